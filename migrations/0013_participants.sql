CREATE TABLE `participants` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ticket_id` integer NOT NULL,
	`address` text NOT NULL,
	`address_key` text NOT NULL,
	`name` text,
	`added_by` text NOT NULL,
	`added_at` text NOT NULL,
	`removed_by` text,
	`removed_at` text,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `participants_ticket_address_uq` ON `participants` (`ticket_id`,`address_key`);--> statement-breakpoint
CREATE INDEX `participants_address_idx` ON `participants` (`address_key`);--> statement-breakpoint
ALTER TABLE `outbox` ADD `to_header` text;--> statement-breakpoint
ALTER TABLE `outbox` ADD `cc_json` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
-- Requests opened before participants were kept: the To and Cc of each one's first inbound mail (the rule they were
-- threaded by until now), as intake takes them now: not from an automated first mail, at most 10 a request (the
-- default of requests.max_participants), not the requester, not the addresses we send from. The desk's other own
-- addresses and engineers, which SQL cannot know, are skipped wherever participants are read.
INSERT OR IGNORE INTO `participants` (`ticket_id`, `address`, `address_key`, `name`, `added_by`, `added_at`)
SELECT `ticket_id`, `address`, `address_key`, `name`, 'migration', `created_at` FROM (
  SELECT m.`ticket_id`, json_extract(j.value, '$.address') AS `address`, rtrim(lower(json_extract(j.value, '$.address')), '.') AS `address_key`,
    nullif(json_extract(j.value, '$.name'), '') AS `name`, m.`created_at`,
    row_number() OVER (PARTITION BY m.`ticket_id` ORDER BY lists.key, j.key) AS `n`
  FROM `messages` m
  JOIN `tickets` t ON t.`id` = m.`ticket_id`
  JOIN json_each(json_array(json(m.`to_json`), json(m.`cc_json`))) lists
  JOIN json_each(lists.value) j
  WHERE m.`direction` = 'in'
    AND m.`automated` IS NULL
    AND m.`id` = (SELECT min(f.`id`) FROM `messages` f WHERE f.`ticket_id` = m.`ticket_id` AND f.`direction` = 'in')
    AND json_extract(j.value, '$.address') IS NOT NULL
    AND rtrim(lower(json_extract(j.value, '$.address')), '.') <> rtrim(lower(coalesce(t.`requester_address`, '')), '.')
    AND lower(json_extract(j.value, '$.address')) NOT IN (SELECT lower(o.`from_address`) FROM `outbox` o)
)
WHERE `n` <= 10;
