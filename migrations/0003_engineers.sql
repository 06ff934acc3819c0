ALTER TABLE `outbox` ADD `reply_to` text;--> statement-breakpoint
ALTER TABLE `tickets` ADD `line` text DEFAULT 'L1' NOT NULL;--> statement-breakpoint
ALTER TABLE `tickets` ADD `assignee` text;--> statement-breakpoint
ALTER TABLE `tickets` ADD `priority` text;--> statement-breakpoint
ALTER TABLE `tickets` ADD `type` text;