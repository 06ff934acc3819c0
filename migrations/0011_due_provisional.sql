ALTER TABLE `tickets` ADD `due_provisional` text;--> statement-breakpoint
-- Deadlines stored before this migration counted every year after 2026 without its holidays (the data
-- file had 2025 and 2026 only). Those that reach 2027 in any zone are marked for a recount, which the
-- daemon does at its next start (recomputeProvisional), with the rules of the law.
UPDATE `tickets` SET `due_provisional` = 'recount' WHERE `reaction_due` >= '2026-12-31' OR `resolution_due` >= '2026-12-31';
