-- Inbox file names that are not valid UTF-8 are stored with those bytes as `\xNN`
-- (transforms/inbox_entries.py); the raw bytes of such a name, in hex, so nothing is lost.
alter table inbox_files add column if not exists name_bytes_hex varchar;
