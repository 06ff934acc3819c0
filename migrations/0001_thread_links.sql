ALTER TABLE `tickets` ADD `linked_ticket_id` integer;--> statement-breakpoint
ALTER TABLE `tickets` ADD `resolved_at` text;