ALTER TABLE `outbox` ADD `held_at` text;--> statement-breakpoint
ALTER TABLE `outbox` ADD `released_at` text;--> statement-breakpoint
-- Rows held before this migration: their hold began no later than their creation (the worker re-decides them on its next pass).
UPDATE `outbox` SET `held_at` = `created_at` WHERE `status` = 'held';
