CREATE TABLE `quarantine` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`mailbox` text NOT NULL,
	`raw_sha256` text NOT NULL,
	`message_id` text,
	`subject` text,
	`from_address` text,
	`error` text NOT NULL,
	`retries` integer DEFAULT 0 NOT NULL,
	`status` text DEFAULT 'held' NOT NULL,
	`outcome` text,
	`received_at` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `quarantine_status_idx` ON `quarantine` (`status`);--> statement-breakpoint
CREATE UNIQUE INDEX `quarantine_raw_uq` ON `quarantine` (`raw_sha256`);