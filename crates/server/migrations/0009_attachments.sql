-- Attachments (docs/attachments.md): the files events name by SHA-256, uploaded by the desks
-- before they push those events, kept once per hash and never changed; and which stored
-- event names which file, so a download is allowed to the devices whose unit may see one of
-- those events. A pushed event naming a file the server does not hold is not stored: the push
-- stops there with `attachment.missing`, and the desk uploads and pushes again.
CREATE TABLE attachments (
    sha256      text PRIMARY KEY,
    media_type  text NOT NULL,
    size        bigint NOT NULL,
    bytes       bytea NOT NULL,
    uploaded_by text NOT NULL,
    uploaded_at timestamptz NOT NULL
);
CREATE TABLE attachment_refs (
    sha256     text NOT NULL,
    server_seq bigint NOT NULL,
    PRIMARY KEY (sha256, server_seq)
);

CREATE TRIGGER attachments_append_only BEFORE UPDATE OR DELETE ON attachments
    FOR EACH ROW EXECUTE FUNCTION taizhang_refuse_change();
CREATE TRIGGER attachment_refs_append_only BEFORE UPDATE OR DELETE ON attachment_refs
    FOR EACH ROW EXECUTE FUNCTION taizhang_refuse_change();

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'taizhang_app') THEN
        GRANT SELECT, INSERT ON attachments, attachment_refs TO taizhang_app;
    END IF;
END;
$$;
