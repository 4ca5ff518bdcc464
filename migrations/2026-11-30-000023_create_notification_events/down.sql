DROP TABLE notification_events;
