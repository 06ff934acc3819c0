CREATE TABLE `sla_intervals` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ticket_id` integer NOT NULL,
	`kind` text NOT NULL,
	`start` text NOT NULL,
	`end` text,
	`opened_by` text NOT NULL,
	`closed_by` text,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `sla_intervals_ticket_idx` ON `sla_intervals` (`ticket_id`);--> statement-breakpoint
ALTER TABLE `tickets` ADD `plan` text;--> statement-breakpoint
ALTER TABLE `tickets` ADD `severity` text;--> statement-breakpoint
ALTER TABLE `tickets` ADD `organisation` text;--> statement-breakpoint
ALTER TABLE `tickets` ADD `reaction_due` text;--> statement-breakpoint
ALTER TABLE `tickets` ADD `resolution_due` text;--> statement-breakpoint
ALTER TABLE `tickets` ADD `reacted_at` text;--> statement-breakpoint
CREATE INDEX `tickets_reaction_due_idx` ON `tickets` (`reaction_due`);--> statement-breakpoint
CREATE INDEX `tickets_resolution_due_idx` ON `tickets` (`resolution_due`);