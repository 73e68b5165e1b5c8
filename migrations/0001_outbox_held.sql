ALTER TABLE `outbox` ADD `held` integer DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX `outbox_chat_pending` ON `outbox` (`channel`,`chat_id`,`id`) WHERE status = 'pending';