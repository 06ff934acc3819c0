CREATE TABLE `spam` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`mailbox` text NOT NULL,
	`raw_sha256` text NOT NULL,
	`message_id` text,
	`subject` text,
	`from_address` text,
	`verdict` text NOT NULL,
	`status` text DEFAULT 'held' NOT NULL,
	`outcome` text,
	`released_by` text,
	`received_at` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `spam_status_idx` ON `spam` (`status`);--> statement-breakpoint
CREATE UNIQUE INDEX `spam_raw_uq` ON `spam` (`raw_sha256`);