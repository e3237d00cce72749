// Answers only once the database itself is available (a Bolt handshake succeeds earlier, while it still recovers).
RETURN 1 AS ok
