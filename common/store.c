#include "common/store.h"

#include <stdio.h>
#include <time.h>

#include "common/gw_err.h"
#include "common/log.h"

/* Forward migrations: migrations[i] takes the schema from version i to i+1.
 * Never edit a released step; add a new one. */
static const char *const migrations[] = {
	/* 0 -> 1: the whole mission's tables */
	"CREATE TABLE programs ("
	"  id INTEGER PRIMARY KEY,"
	"  code TEXT NOT NULL UNIQUE,"
	"  category TEXT NOT NULL DEFAULT '',"
	"  title_vi TEXT NOT NULL, title_en TEXT NOT NULL DEFAULT '',"
	"  summary_vi TEXT NOT NULL, summary_en TEXT NOT NULL DEFAULT '',"
	"  details_vi TEXT NOT NULL DEFAULT '',"
	"  eligibility_vi TEXT NOT NULL DEFAULT '',"
	"  how_to_apply_vi TEXT NOT NULL DEFAULT '',"
	"  documents_vi TEXT NOT NULL DEFAULT '',"
	"  office TEXT NOT NULL DEFAULT '',"
	"  legal_basis TEXT NOT NULL DEFAULT '',"
	"  effective_from TEXT, effective_until TEXT,"
	"  needs_check INTEGER NOT NULL DEFAULT 0,"
	"  caveat TEXT NOT NULL DEFAULT '',"
	"  version INTEGER NOT NULL DEFAULT 1,"
	"  updated_at INTEGER NOT NULL,"
	"  updated_by TEXT NOT NULL DEFAULT '');"
	"CREATE TABLE program_keywords ("
	"  program_id INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,"
	"  keyword TEXT NOT NULL,"
	"  folded TEXT NOT NULL,"
	"  PRIMARY KEY (program_id, folded));"
	"CREATE INDEX program_keywords_folded ON program_keywords(folded);"
	"CREATE TABLE program_history ("
	"  id INTEGER PRIMARY KEY,"
	"  code TEXT NOT NULL,"
	"  version INTEGER NOT NULL,"
	"  data TEXT NOT NULL,"
	"  changed_at INTEGER NOT NULL,"
	"  changed_by TEXT NOT NULL DEFAULT '',"
	"  UNIQUE (code, version));"
	/* Folded (plain ASCII) copies of the searchable text; rowid = programs.id */
	"CREATE VIRTUAL TABLE programs_fts USING fts5("
	"  code, title, keywords, summary, details,"
	"  tokenize = 'unicode61 remove_diacritics 2');"
	"CREATE TABLE commands ("
	"  name TEXT PRIMARY KEY,"
	"  intent TEXT NOT NULL,"
	"  officer_only INTEGER NOT NULL DEFAULT 0,"
	"  help_vi TEXT NOT NULL DEFAULT '', help_en TEXT NOT NULL DEFAULT '');"
	"CREATE TABLE command_aliases ("
	"  alias TEXT PRIMARY KEY,"
	"  command TEXT NOT NULL REFERENCES commands(name) ON DELETE CASCADE,"
	"  lang TEXT NOT NULL DEFAULT 'vi');"
	"CREATE TABLE intent_cues ("
	"  id INTEGER PRIMARY KEY,"
	"  intent TEXT NOT NULL,"
	"  cue TEXT NOT NULL,"
	"  weight REAL NOT NULL DEFAULT 1.0,"
	"  UNIQUE (intent, cue));"
	"CREATE TABLE jobs ("
	"  id INTEGER PRIMARY KEY,"
	"  code TEXT NOT NULL UNIQUE,"
	"  title TEXT NOT NULL, title_en TEXT NOT NULL DEFAULT '',"
	"  employer TEXT NOT NULL DEFAULT '',"
	"  industrial_zone TEXT NOT NULL DEFAULT '',"
	"  province TEXT NOT NULL DEFAULT '', district TEXT NOT NULL DEFAULT '',"
	"  commune TEXT NOT NULL DEFAULT '',"
	"  job_type TEXT NOT NULL DEFAULT '',"
	"  wage_min INTEGER, wage_max INTEGER, wage_text TEXT NOT NULL DEFAULT '',"
	"  requirements TEXT NOT NULL DEFAULT '', benefits TEXT NOT NULL DEFAULT '',"
	"  age_min INTEGER, age_max INTEGER, gender TEXT NOT NULL DEFAULT '',"
	"  headcount INTEGER, shift TEXT NOT NULL DEFAULT '',"
	"  contact TEXT NOT NULL DEFAULT '',"
	"  deadline TEXT,"
	"  keywords TEXT NOT NULL DEFAULT '',"
	"  folded TEXT NOT NULL DEFAULT '',"
	"  officer_id INTEGER REFERENCES officers(id),"
	"  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','closed')),"
	"  sample INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
	"CREATE TABLE contacts ("
	"  phone TEXT PRIMARY KEY,"
	"  lang TEXT NOT NULL DEFAULT 'vi' CHECK (lang IN ('vi','en')),"
	"  unaccented INTEGER NOT NULL DEFAULT 0,"
	"  opted_out INTEGER NOT NULL DEFAULT 0,"
	"  opted_out_at INTEGER,"
	"  commune TEXT NOT NULL DEFAULT '',"
	"  created_at INTEGER NOT NULL, last_seen INTEGER NOT NULL);"
	"CREATE TABLE subscriptions ("
	"  id INTEGER PRIMARY KEY,"
	"  phone TEXT NOT NULL,"
	"  area TEXT NOT NULL DEFAULT '', job_type TEXT NOT NULL DEFAULT '',"
	"  created_at INTEGER NOT NULL,"
	"  UNIQUE (phone, area, job_type));"
	"CREATE TABLE officers ("
	"  id INTEGER PRIMARY KEY,"
	"  phone TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL,"
	"  role TEXT NOT NULL CHECK (role IN ('officer','admin')),"
	"  commune TEXT NOT NULL DEFAULT '',"
	"  pin_hash TEXT NOT NULL DEFAULT '',"
	"  web_hash TEXT NOT NULL DEFAULT '',"
	"  failed_attempts INTEGER NOT NULL DEFAULT 0,"
	"  locked_until INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL);"
	"CREATE TABLE referrals ("
	"  id INTEGER PRIMARY KEY,"
	"  job_id INTEGER NOT NULL REFERENCES jobs(id),"
	"  phone TEXT NOT NULL,"
	"  status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new','contacted','hired','rejected','withdrawn')),"
	"  officer_notified INTEGER NOT NULL DEFAULT 0,"
	/* who was told, when (or when the batched notice is due), in which
	 * outbox row: one notice per officer per few minutes */
	"  officer_id INTEGER REFERENCES officers(id) ON DELETE SET NULL,"
	"  notified_at INTEGER,"
	"  notify_outbox_id INTEGER REFERENCES outbox(id) ON DELETE SET NULL,"
	"  created_at INTEGER NOT NULL,"
	"  UNIQUE (job_id, phone));"
	"CREATE TABLE office_hours ("
	"  weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),"
	"  opens TEXT NOT NULL, closes TEXT NOT NULL,"
	"  PRIMARY KEY (weekday, opens));"
	"CREATE TABLE calendar_days ("
	"  day TEXT PRIMARY KEY,"
	"  kind TEXT NOT NULL CHECK (kind IN ('holiday','special','closed')),"
	"  note TEXT NOT NULL DEFAULT '',"
	/* a special day's own hours ("07:30"-"11:30"); NULL: the weekday's */
	"  opens TEXT, closes TEXT);"
	/* One row: how appointments are cut into slots (handlers/features/calendar.h) */
	"CREATE TABLE calendar_settings ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  slot_minutes INTEGER NOT NULL DEFAULT 30 CHECK (slot_minutes BETWEEN 5 AND 240),"
	"  capacity INTEGER NOT NULL DEFAULT 2 CHECK (capacity BETWEEN 1 AND 100),"
	"  horizon_days INTEGER NOT NULL DEFAULT 60 CHECK (horizon_days BETWEEN 1 AND 366),"
	"  place TEXT NOT NULL DEFAULT 'UBND xa',"
	"  officer_id INTEGER REFERENCES officers(id) ON DELETE SET NULL);"
	"INSERT INTO calendar_settings (id) VALUES (1);"
	"INSERT INTO office_hours (weekday, opens, closes) VALUES"
	"  (1,'07:30','11:30'),(1,'13:30','17:00'),(2,'07:30','11:30'),(2,'13:30','17:00'),"
	"  (3,'07:30','11:30'),(3,'13:30','17:00'),(4,'07:30','11:30'),(4,'13:30','17:00'),"
	"  (5,'07:30','11:30'),(5,'13:30','17:00');"
	"CREATE TABLE appointments ("
	"  id INTEGER PRIMARY KEY,"
	"  phone TEXT NOT NULL,"
	"  officer_id INTEGER REFERENCES officers(id) ON DELETE SET NULL,"
	"  program_code TEXT NOT NULL DEFAULT '',"
	"  topic TEXT NOT NULL DEFAULT '',"
	"  day TEXT NOT NULL, slot TEXT NOT NULL,"
	"  status TEXT NOT NULL DEFAULT 'requested'"
	"    CHECK (status IN ('requested','confirmed','cancelled','declined','done')),"
	"  reminded INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
	"CREATE INDEX appointments_slot ON appointments(day, slot, status);"
	/* a household holds at most one live appointment a day */
	"CREATE UNIQUE INDEX appointments_one_a_day ON appointments(phone, day)"
	"  WHERE status IN ('requested','confirmed');"
	/* Every part read from the modem, committed before it is deleted there.
	 * fingerprint makes a second delivery of the same part a no-op. */
	"CREATE TABLE inbox_parts ("
	"  id INTEGER PRIMARY KEY,"
	"  sender TEXT NOT NULL,"
	"  ref INTEGER NOT NULL, total INTEGER NOT NULL, seq INTEGER NOT NULL,"
	"  sent_at INTEGER NOT NULL,"
	"  text TEXT NOT NULL,"
	"  fingerprint TEXT NOT NULL UNIQUE,"
	"  stored_at INTEGER NOT NULL,"
	"  inbox_id INTEGER REFERENCES inbox(id) ON DELETE SET NULL);"
	"CREATE INDEX inbox_parts_open ON inbox_parts(inbox_id, sender, ref, total);"
	"CREATE TABLE inbox ("
	"  id INTEGER PRIMARY KEY,"
	"  sender TEXT NOT NULL,"
	"  channel TEXT NOT NULL DEFAULT 'sms',"
	"  text TEXT NOT NULL,"
	"  parts INTEGER NOT NULL DEFAULT 1,"
	"  incomplete INTEGER NOT NULL DEFAULT 0,"
	"  sent_at INTEGER NOT NULL,"
	"  stored_at INTEGER NOT NULL,"
	"  status TEXT NOT NULL DEFAULT 'new'"
	"    CHECK (status IN ('new','handled','skipped','failed')),"
	"  intent TEXT NOT NULL DEFAULT '',"
	"  ref_code TEXT NOT NULL DEFAULT '',"
	"  error TEXT NOT NULL DEFAULT '',"
	"  handled_at INTEGER);"
	"CREATE INDEX inbox_status ON inbox(status, id);"
	"CREATE INDEX inbox_sender ON inbox(sender, stored_at);"
	"CREATE TABLE broadcasts ("
	"  id INTEGER PRIMARY KEY,"
	"  created_by TEXT NOT NULL,"
	"  job_id INTEGER REFERENCES jobs(id),"
	"  text TEXT NOT NULL,"
	"  area TEXT NOT NULL DEFAULT '', job_type TEXT NOT NULL DEFAULT '',"
	"  recipients INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL);"
	"CREATE TABLE outbox ("
	"  id INTEGER PRIMARY KEY,"
	"  phone TEXT NOT NULL,"
	"  text TEXT NOT NULL,"
	"  kind TEXT NOT NULL CHECK (kind IN ('reply','notify','reminder','broadcast','warning')),"
	"  priority INTEGER NOT NULL,"
	"  status TEXT NOT NULL DEFAULT 'queued'"
	"    CHECK (status IN ('queued','sending','sent','failed','sent_unknown','cancelled')),"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_attempt_at INTEGER NOT NULL DEFAULT 0,"
	"  error TEXT NOT NULL DEFAULT '',"
	"  inbox_id INTEGER REFERENCES inbox(id) ON DELETE SET NULL,"
	"  broadcast_id INTEGER REFERENCES broadcasts(id),"
	"  parts INTEGER NOT NULL DEFAULT 0,"
	"  encoding TEXT NOT NULL DEFAULT '',"
	"  created_at INTEGER NOT NULL,"
	"  sent_at INTEGER);"
	"CREATE INDEX outbox_queue ON outbox(status, priority, next_attempt_at, id);"
	/* per-sender look-ups: rate limit warnings, broadcast daily caps */
	"CREATE INDEX outbox_phone ON outbox(phone, kind, created_at);"
	"CREATE UNIQUE INDEX outbox_broadcast_once ON outbox(broadcast_id, phone)"
	"  WHERE broadcast_id IS NOT NULL;"
	/* Partial: queueing 100k broadcast rows does not touch it; the send
	 * rate (broadcast ETA) reads the last hour of it. */
	"CREATE INDEX outbox_sent ON outbox(sent_at) WHERE status = 'sent';"
	"CREATE TABLE sessions ("
	"  phone TEXT NOT NULL,"
	"  channel TEXT NOT NULL CHECK (channel IN ('sms','ussd')),"
	"  state TEXT NOT NULL,"
	"  updated_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,"
	"  PRIMARY KEY (phone, channel));"
	/* Menus as data (handlers/dialog/menu.h): a tree of screens by key; the
	 * dynamic lists (categories, programs, jobs) come from the tables. */
	"CREATE TABLE menu_nodes ("
	"  key TEXT PRIMARY KEY,"
	"  parent TEXT NOT NULL DEFAULT '',"
	"  position INTEGER NOT NULL DEFAULT 0,"
	"  kind TEXT NOT NULL CHECK (kind IN ('menu','categories','field','jobs','selfcheck',"
	"    'text','prompt','appointments','appt_cancel')),"
	"  arg TEXT NOT NULL DEFAULT '',"
	"  label_vi TEXT NOT NULL, label_en TEXT NOT NULL DEFAULT '',"
	"  body_vi TEXT NOT NULL DEFAULT '', body_en TEXT NOT NULL DEFAULT '');"
	"CREATE INDEX menu_nodes_parent ON menu_nodes(parent, position);"
	"CREATE TABLE program_categories ("
	"  key TEXT PRIMARY KEY,"
	"  position INTEGER NOT NULL DEFAULT 0,"
	"  title_vi TEXT NOT NULL, title_en TEXT NOT NULL DEFAULT '');"
	/* A program without its own category falls in the first category
	 * (by position) with a GLOB pattern matching its code. */
	"CREATE TABLE program_category_rules ("
	"  category TEXT NOT NULL REFERENCES program_categories(key) ON DELETE CASCADE,"
	"  position INTEGER NOT NULL DEFAULT 0,"
	"  pattern TEXT NOT NULL,"
	"  PRIMARY KEY (category, pattern));"
	"CREATE VIEW program_menu AS SELECT p.id, p.code, p.title_vi, p.title_en,"
	"  CASE WHEN p.category IN (SELECT key FROM program_categories) THEN p.category"
	"  ELSE (SELECT r.category FROM program_category_rules r"
	"        JOIN program_categories c ON c.key = r.category"
	"        WHERE p.code GLOB r.pattern ORDER BY c.position, r.position LIMIT 1) END AS category"
	"  FROM programs p;"
	/* The poverty standard as data (handlers/features/poverty.h): the row with the
	 * latest valid_from not after the day asked applies. */
	"CREATE TABLE poverty_standards ("
	"  valid_from TEXT NOT NULL,"
	"  area TEXT NOT NULL CHECK (area IN ('rural','urban')),"
	"  income_line INTEGER NOT NULL,"
	"  msl_line INTEGER NOT NULL DEFAULT 0,"
	"  min_deprivations INTEGER NOT NULL DEFAULT 3,"
	"  name_vi TEXT NOT NULL DEFAULT '', name_en TEXT NOT NULL DEFAULT '',"
	"  PRIMARY KEY (valid_from, area));"
	"CREATE TABLE poverty_indicators ("
	"  valid_from TEXT NOT NULL,"
	"  position INTEGER NOT NULL,"
	"  code TEXT NOT NULL,"
	"  question_vi TEXT NOT NULL, question_en TEXT NOT NULL DEFAULT '',"
	"  cues TEXT NOT NULL DEFAULT '',"
	"  PRIMARY KEY (valid_from, position));"
	"CREATE TABLE poverty_benefits ("
	"  category TEXT NOT NULL CHECK (category IN ('poor','near_poor','average','above')),"
	"  position INTEGER NOT NULL DEFAULT 0,"
	"  program_code TEXT NOT NULL,"
	"  PRIMARY KEY (category, program_code));"
	"CREATE TABLE audit ("
	"  id INTEGER PRIMARY KEY,"
	"  at INTEGER NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  target TEXT NOT NULL DEFAULT '',"
	"  detail TEXT NOT NULL DEFAULT '');"
	"CREATE TABLE modem_status ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  connected INTEGER NOT NULL DEFAULT 0,"
	"  signal_percent INTEGER, battery_percent INTEGER,"
	"  network TEXT NOT NULL DEFAULT '', security TEXT NOT NULL DEFAULT '',"
	"  balance TEXT NOT NULL DEFAULT '', balance_checked_at INTEGER,"
	"  last_contact INTEGER, last_error TEXT NOT NULL DEFAULT '',"
	"  last_error_at INTEGER,"
	"  sent_parts INTEGER NOT NULL DEFAULT 0,"
	"  updated_at INTEGER);"
	"INSERT INTO modem_status (id) VALUES (1);"
	/* USSD codes asked by gatewayctl, answered by the daemon that owns the modem */
	"CREATE TABLE ussd_requests ("
	"  id INTEGER PRIMARY KEY,"
	"  code TEXT NOT NULL,"
	"  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','answered','failed')),"
	"  answer TEXT NOT NULL DEFAULT '',"
	"  created_at INTEGER NOT NULL, answered_at INTEGER);"
	/* Web console logins (gateway/web/web_session.h): only a hash of the
	 * cookie's token is kept, so a copy of the database opens no session. */
	"CREATE TABLE web_sessions ("
	"  id INTEGER PRIMARY KEY,"
	"  token_hash TEXT NOT NULL UNIQUE,"
	"  officer_id INTEGER NOT NULL REFERENCES officers(id) ON DELETE CASCADE,"
	"  csrf TEXT NOT NULL,"
	"  address TEXT NOT NULL DEFAULT '',"
	"  created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);"
	"CREATE INDEX web_sessions_officer ON web_sessions(officer_id);",
	/* 1 -> 2: where a long message stopped, so a retry sends only the
	 * parts the network has not accepted, under the same concatenation
	 * reference (modem_resume), instead of the whole message again. */
	"ALTER TABLE outbox ADD COLUMN parts_done INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE outbox ADD COLUMN concat_ref INTEGER NOT NULL DEFAULT 0;",
	/* 2 -> 3: delivery reports, from whichever transport sent the row
	 * (gateway/outbox.h): the latest state, when, and the network's own
	 * words; a report also settles a row left sent_unknown. */
	"ALTER TABLE outbox ADD COLUMN dlr TEXT NOT NULL DEFAULT ''"
	"  CHECK (dlr IN ('','submitted','buffered','delivered','failed'));"
	"ALTER TABLE outbox ADD COLUMN dlr_at INTEGER;"
	"ALTER TABLE outbox ADD COLUMN dlr_detail TEXT NOT NULL DEFAULT '';",
	/* 3 -> 4: an appointment asked for by a lunar date shows it too; a
	 * slot offered instead of the time asked ("10h45 khong co, 10h30
	 * duoc khong?") waits here, one a phone, for the household's CO
	 * (handlers/features/appointments_offer.h). */
	"ALTER TABLE appointments ADD COLUMN lunar INTEGER NOT NULL DEFAULT 0;"
	"CREATE TABLE appointment_offers ("
	"  phone TEXT PRIMARY KEY,"
	"  action TEXT NOT NULL CHECK (action IN ('book','move')),"
	"  appointment_id INTEGER,"
	"  day TEXT NOT NULL, slot TEXT NOT NULL,"
	"  program_code TEXT NOT NULL DEFAULT '',"
	"  topic TEXT NOT NULL DEFAULT '',"
	"  lunar INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL);",
	/* 4 -> 5: failed logins counted where a restart or a flood of other
	 * keys cannot reset them (common/lockout.h); SMS PIN locks that grow
	 * (pin_locks in a row) and whether a PIN is shorter than the 6 digits
	 * new PINs need (NULL: set before that rule, length unknown). */
	"CREATE TABLE lockouts ("
	"  key TEXT PRIMARY KEY,"
	"  fails INTEGER NOT NULL DEFAULT 0,"
	"  window_start INTEGER NOT NULL DEFAULT 0,"
	"  locked_until INTEGER NOT NULL DEFAULT 0,"
	"  locks INTEGER NOT NULL DEFAULT 0,"
	"  updated_at INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX lockouts_updated ON lockouts(updated_at);"
	"ALTER TABLE officers ADD COLUMN pin_locks INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE officers ADD COLUMN pin_short INTEGER;",
	/* 5 -> 6: several modems (gateway/daemon/route.h). modem_status gets one
	 * row per modem by name (the old single row becomes "modem", the name
	 * of a `modem = {...}` group), with what routing needs to know of it:
	 * the operators it prefers, its sending limits, why it is out of
	 * routing, and until when its worker has promised to be alive.
	 * outbox.modem names the modem that took a row, claimed_at when, and
	 * text_hash the text it counts against the same-text limits; inbox
	 * rows name the modem they came in on; a USSD request may name its
	 * modem. Operator prefixes are data (gatewayctl init loads
	 * data/operators.json). */
	"CREATE TABLE modem_status_new ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  enabled INTEGER NOT NULL DEFAULT 1,"
	"  connected INTEGER NOT NULL DEFAULT 0,"
	"  signal_percent INTEGER, battery_percent INTEGER,"
	"  network TEXT NOT NULL DEFAULT '', security TEXT NOT NULL DEFAULT '',"
	"  balance TEXT NOT NULL DEFAULT '', balance_checked_at INTEGER,"
	"  balance_vnd INTEGER,"
	"  last_contact INTEGER, last_error TEXT NOT NULL DEFAULT '',"
	"  last_error_at INTEGER,"
	"  sent_parts INTEGER NOT NULL DEFAULT 0,"
	"  updated_at INTEGER,"
	"  operators TEXT NOT NULL DEFAULT '',"
	"  same_text_per_5min INTEGER NOT NULL DEFAULT 0,"
	"  same_text_per_hour INTEGER NOT NULL DEFAULT 0,"
	"  same_text_per_day INTEGER NOT NULL DEFAULT 0,"
	"  per_day INTEGER NOT NULL DEFAULT 0,"
	"  hold TEXT NOT NULL DEFAULT '' CHECK (hold IN ('', 'barred', 'no credit')),"
	"  hold_until INTEGER NOT NULL DEFAULT 0,"
	"  alive_until INTEGER NOT NULL DEFAULT 0);"
	"INSERT INTO modem_status_new (id, name, connected, signal_percent, battery_percent,"
	"  network, security, balance, balance_checked_at, last_contact, last_error,"
	"  last_error_at, sent_parts, updated_at)"
	"  SELECT id, 'modem', connected, signal_percent, battery_percent, network, security,"
	"  balance, balance_checked_at, last_contact, last_error, last_error_at, sent_parts,"
	"  updated_at FROM modem_status;"
	"DROP TABLE modem_status;"
	"ALTER TABLE modem_status_new RENAME TO modem_status;"
	"ALTER TABLE outbox ADD COLUMN modem TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE outbox ADD COLUMN claimed_at INTEGER;"
	"ALTER TABLE outbox ADD COLUMN text_hash INTEGER;"
	/* the limits count a modem's claims: today's, and one text's in 24 h */
	"CREATE INDEX outbox_modem_day ON outbox(modem, claimed_at) WHERE claimed_at IS NOT NULL;"
	"CREATE INDEX outbox_modem_text ON outbox(modem, text_hash, claimed_at)"
	"  WHERE claimed_at IS NOT NULL;"
	"ALTER TABLE inbox ADD COLUMN modem TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE inbox_parts ADD COLUMN modem TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE ussd_requests ADD COLUMN modem TEXT NOT NULL DEFAULT '';"
	"CREATE TABLE operator_prefixes ("
	"  prefix TEXT PRIMARY KEY,"
	"  operator TEXT NOT NULL) WITHOUT ROWID;",
	/* 6 -> 7: delivery reports from the modem, and answers in doubt
	 * settled (gateway/daemon/settle.h). unknown_at: when a row became
	 * sent_unknown and its wait for a report began (NULL: decided, or
	 * from before this version, which stays as it was); resends: times it
	 * was sent again for want of a report. Each part handed to a modem is
	 * kept with the reference (TP-MR) the network gave it, so a report
	 * finds its row; every report read is kept, matched or not. */
	"ALTER TABLE outbox ADD COLUMN unknown_at INTEGER;"
	"ALTER TABLE outbox ADD COLUMN resends INTEGER NOT NULL DEFAULT 0;"
	"CREATE INDEX outbox_unknown ON outbox(phone) WHERE status = 'sent_unknown';"
	"CREATE TABLE outbox_parts ("
	"  id INTEGER PRIMARY KEY,"
	"  outbox_id INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,"
	/* 1..total; 0: found by a report after a crash, which part unknown */
	"  seq INTEGER NOT NULL,"
	"  modem TEXT NOT NULL DEFAULT '',"
	"  mr INTEGER NOT NULL CHECK (mr BETWEEN 0 AND 255),"
	"  sent_at INTEGER NOT NULL,"
	"  dlr TEXT NOT NULL DEFAULT '' CHECK (dlr IN ('','buffered','delivered','failed')),"
	"  dlr_at INTEGER);"
	"CREATE INDEX outbox_parts_row ON outbox_parts(outbox_id);"
	"CREATE INDEX outbox_parts_waiting ON outbox_parts(modem, mr, sent_at)"
	"  WHERE dlr IN ('', 'buffered');"
	"CREATE TABLE delivery_reports ("
	"  id INTEGER PRIMARY KEY,"
	"  modem TEXT NOT NULL DEFAULT '',"
	"  phone TEXT NOT NULL,"
	"  mr INTEGER NOT NULL,"
	/* TP-ST as the network sent it, and what it means */
	"  status INTEGER NOT NULL,"
	"  state TEXT NOT NULL CHECK (state IN ('buffered','delivered','failed')),"
	"  submitted_at INTEGER, done_at INTEGER,"
	"  received_at INTEGER NOT NULL,"
	/* NULL: it matched no message (unknown reference, or sent before a crash) */
	"  outbox_id INTEGER REFERENCES outbox(id) ON DELETE SET NULL,"
	/* a report read twice (a crash before it was deleted) is kept once */
	"  fingerprint TEXT NOT NULL UNIQUE);"
	"CREATE INDEX delivery_reports_received ON delivery_reports(received_at);",
	/* 7 -> 8: a household message an officer has seen to (answered by
	 * hand, or marked as needing no answer) leaves the console's
	 * "waiting for you" list */
	"ALTER TABLE inbox ADD COLUMN attended_by INTEGER REFERENCES officers(id) ON DELETE SET NULL;"
	"ALTER TABLE inbox ADD COLUMN attended_at INTEGER;",
	/* 8 -> 9: messages that came through Kannel (gateway/kannel/) carry
	 * its message id (%I); smsbox repeats a request after a timeout or a
	 * crash, and the unique id stores and answers it once. */
	"ALTER TABLE inbox ADD COLUMN external_id TEXT;"
	"CREATE UNIQUE INDEX inbox_external ON inbox(external_id) WHERE external_id IS NOT NULL;",
	/* 9 -> 10: a number every write of the content moves (store.h:
	 * store_content_version), so what the handlers parse from it once
	 * is kept until it changes, whichever connection changed it. */
	"CREATE TABLE content_version (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL);"
	"INSERT INTO content_version (id, n) VALUES (1, 0);"
	"CREATE TRIGGER content_p_i AFTER INSERT ON programs"
	"  BEGIN UPDATE content_version SET n = n + 1; END;"
	"CREATE TRIGGER content_p_u AFTER UPDATE ON programs"
	"  BEGIN UPDATE content_version SET n = n + 1; END;"
	"CREATE TRIGGER content_p_d AFTER DELETE ON programs"
	"  BEGIN UPDATE content_version SET n = n + 1; END;"
	"CREATE TRIGGER content_k_i AFTER INSERT ON program_keywords"
	"  BEGIN UPDATE content_version SET n = n + 1; END;"
	"CREATE TRIGGER content_k_u AFTER UPDATE ON program_keywords"
	"  BEGIN UPDATE content_version SET n = n + 1; END;"
	"CREATE TRIGGER content_k_d AFTER DELETE ON program_keywords"
	"  BEGIN UPDATE content_version SET n = n + 1; END;"
	"CREATE TRIGGER content_c_i AFTER INSERT ON intent_cues"
	"  BEGIN UPDATE content_version SET n = n + 1; END;"
	"CREATE TRIGGER content_c_u AFTER UPDATE ON intent_cues"
	"  BEGIN UPDATE content_version SET n = n + 1; END;"
	"CREATE TRIGGER content_c_d AFTER DELETE ON intent_cues"
	"  BEGIN UPDATE content_version SET n = n + 1; END;"
	"CREATE TRIGGER content_m_i AFTER INSERT ON commands"
	"  BEGIN UPDATE content_version SET n = n + 1; END;"
	"CREATE TRIGGER content_m_u AFTER UPDATE ON commands"
	"  BEGIN UPDATE content_version SET n = n + 1; END;"
	"CREATE TRIGGER content_m_d AFTER DELETE ON commands"
	"  BEGIN UPDATE content_version SET n = n + 1; END;"
	"CREATE TRIGGER content_a_i AFTER INSERT ON command_aliases"
	"  BEGIN UPDATE content_version SET n = n + 1; END;"
	"CREATE TRIGGER content_a_u AFTER UPDATE ON command_aliases"
	"  BEGIN UPDATE content_version SET n = n + 1; END;"
	"CREATE TRIGGER content_a_d AFTER DELETE ON command_aliases"
	"  BEGIN UPDATE content_version SET n = n + 1; END;"
	"CREATE TRIGGER content_j_i AFTER INSERT ON jobs"
	"  BEGIN UPDATE content_version SET n = n + 1; END;"
	"CREATE TRIGGER content_j_u AFTER UPDATE ON jobs"
	"  BEGIN UPDATE content_version SET n = n + 1; END;"
	"CREATE TRIGGER content_j_d AFTER DELETE ON jobs"
	"  BEGIN UPDATE content_version SET n = n + 1; END;",
	/* 10 -> 11: a province-sized job board (handlers/features/jobs_board.h):
	 * what an offer's text says (places, types, gender, its list line) is
	 * worked out once, by the handlers' code when they first see the row
	 * (derived = 0: every existing offer, and any whose text changes), and
	 * job questions read it through indexes instead of every offer. */
	"ALTER TABLE jobs ADD COLUMN types INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE jobs ADD COLUMN sex TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE jobs ADD COLUMN label TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE jobs ADD COLUMN label_size INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE jobs ADD COLUMN derived INTEGER NOT NULL DEFAULT 0;"
	"CREATE TABLE job_places ("
	"  place TEXT NOT NULL,"
	"  job_id INTEGER NOT NULL,"
	"  pos INTEGER NOT NULL,"
	"  PRIMARY KEY (place, job_id)) WITHOUT ROWID;"
	"CREATE INDEX job_places_job ON job_places(job_id);"
	"CREATE INDEX jobs_derived ON jobs(derived);"
	/* the open offers in list order, with all a question filters on and the
	 * size of their line: narrow, so a fresh process reads few pages */
	"CREATE INDEX jobs_board ON jobs(created_at, id, deadline, types, age_min, age_max, sex,"
	"  label_size, status) WHERE status = 'open';"
	"CREATE INDEX jobs_code_upper ON jobs(upper(code));"
	"CREATE INDEX jobs_code_words ON jobs(lower(replace(code, '-', ' ')));"
	"CREATE TRIGGER jobs_derive_again AFTER UPDATE OF title, province, district, commune,"
	"  industrial_zone, job_type, folded, requirements, gender, wage_min, wage_max, wage_text"
	"  ON jobs BEGIN UPDATE jobs SET derived = 0 WHERE id = new.id AND derived <> 0; END;"
	"CREATE TRIGGER jobs_places_gone AFTER DELETE ON jobs"
	"  BEGIN DELETE FROM job_places WHERE job_id = old.id; END;"
	/* working out an offer (derived 0 -> 1, or back to 0 for its text
	 * changed) is not a change of content: the content version (9 -> 10)
	 * moves for what an administrator or a hub wrote, not for what the
	 * handlers derived from it */
	"DROP TRIGGER content_j_u;"
	"CREATE TRIGGER content_j_u AFTER UPDATE ON jobs WHEN old.derived IS new.derived"
	"  BEGIN UPDATE content_version SET n = n + 1; END;",
	/* 11 -> 12: content from a hub (gateway/hub/hub_bundle.h): which offers
	 * are the hub's (a pull replaces them; the others are the commune's
	 * own), the version applied and the last pull, and, on a hub, the last
	 * version published. */
	"ALTER TABLE jobs ADD COLUMN hub INTEGER NOT NULL DEFAULT 0;"
	"CREATE TABLE sync_state ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  version INTEGER NOT NULL DEFAULT 0,"
	"  published_at INTEGER, applied_at INTEGER,"
	"  source TEXT NOT NULL DEFAULT '',"
	"  pulled_at INTEGER,"
	"  pull_ok INTEGER NOT NULL DEFAULT 0,"
	"  pull_error TEXT NOT NULL DEFAULT '',"
	"  published INTEGER NOT NULL DEFAULT 0);"
	"INSERT INTO sync_state (id) VALUES (1);",
	/* 12 -> 13: the shipped lexicon loaded again on every `gatewayctl init`
	 * (an upgraded box gets new words) without undoing the administrator's
	 * changes (handlers/understand/lexicon.h): who set each alias, and the
	 * shipped aliases an administrator removed. Aliases from before are
	 * taken as shipped: nothing tells them apart. */
	"ALTER TABLE command_aliases ADD COLUMN origin TEXT NOT NULL DEFAULT 'shipped'"
	"  CHECK (origin IN ('shipped', 'admin'));"
	"CREATE TABLE command_aliases_removed ("
	"  alias TEXT PRIMARY KEY,"
	"  removed_at INTEGER NOT NULL);",
};

int store_content_version(struct db *db, int64_t *out)
{
	return db_query_int64(db, "SELECT n FROM content_version WHERE id = 1", out);
}

int store_schema_version(void)
{
	return (int)(sizeof(migrations) / sizeof(migrations[0]));
}

static int store_migrate(struct db *db)
{
	int64_t version = 0;
	int r;

	if ((r = db_query_int64(db, "PRAGMA user_version", &version)) < 0)
		return r;
	if (version > store_schema_version()) {
		log_error("%s has schema version %lld, newer than this build (%d)", db_path(db),
			  (long long)version, store_schema_version());
		return GW_ERR_DB;
	}
	for (int v = (int)version; v < store_schema_version(); v++) {
		char pragma[48];

		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", v + 1);
		if ((r = db_begin(db)) < 0)
			return r;
		if ((r = db_exec(db, migrations[v])) < 0 || (r = db_exec(db, pragma)) < 0) {
			db_rollback(db);
			log_error("migration of %s to version %d failed", db_path(db), v + 1);
			return r;
		}
		if ((r = db_commit(db)) < 0)
			return r;
		log_info("database %s migrated to schema version %d", db_path(db), v + 1);
	}
	return 0;
}

int store_open(struct db **out, const char *path, int busy_timeout_ms)
{
	struct db *db = NULL;
	int r;

	if ((r = db_open(&db, path, busy_timeout_ms)) < 0)
		goto out;
	if ((r = store_migrate(db)) < 0)
		goto out;
	*out = db;
	db = NULL;
out:
	db_close(db);
	return r;
}
