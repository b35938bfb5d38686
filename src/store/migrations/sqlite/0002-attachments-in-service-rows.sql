-- A service's attachments move into its own row, as comma-separated operator SIDs in attach order:
-- a write then dirties one page where the service is (bench/README.md). Custom operators alone
-- keep a row per attachment, so that deleting one can be refused while a service uses it.
ALTER TABLE services ADD COLUMN operator_sids TEXT NOT NULL DEFAULT '';
UPDATE services
  SET operator_sids = (SELECT group_concat(operator_sid, ',' ORDER BY id) FROM service_operators WHERE service_sid = services.sid)
  WHERE sid IN (SELECT service_sid FROM service_operators);
CREATE TABLE custom_operator_attachments (
  id INTEGER PRIMARY KEY,
  service_sid TEXT NOT NULL REFERENCES services(sid) ON DELETE CASCADE,
  operator_sid TEXT NOT NULL,
  UNIQUE (service_sid, operator_sid)
);
INSERT INTO custom_operator_attachments (id, service_sid, operator_sid)
  SELECT id, service_sid, operator_sid FROM service_operators WHERE operator_sid IN (SELECT sid FROM custom_operators)
  ORDER BY id;
CREATE INDEX custom_operator_attachments_by_operator ON custom_operator_attachments (operator_sid);
DROP TABLE service_operators;
