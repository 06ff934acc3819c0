CREATE TABLE `sla_notices` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ticket_id` integer NOT NULL,
	`kind` text NOT NULL,
	`due_at` text NOT NULL,
	`sent_at` text NOT NULL,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sla_notices_uq` ON `sla_notices` (`ticket_id`,`kind`);--> statement-breakpoint
ALTER TABLE `tickets` ADD `next_sla_at` text;--> statement-breakpoint
CREATE INDEX `tickets_next_sla_idx` ON `tickets` (`next_sla_at`);