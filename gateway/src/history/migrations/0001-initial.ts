/**
 * The index's first schema. Blocks with their header hash chain; every transaction (valid or
 * not) with who, what and outcome; the public key writes of valid transactions (the history of
 * every key); the current state those writes leave (for "where is it now" questions); the
 * checkpoint, written in the same database transaction as the blocks it follows.
 *
 * Keys are stored as text: a simple key as itself, a composite key as the JSON array
 * `[objectType, ...parts]` (PostgreSQL text cannot hold the U+0000 that separates its parts).
 * Times are ISO-8601 UTC text with milliseconds, which sort as they compare.
 */
export const sql = `
CREATE TABLE history_checkpoint (
    id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    next_block bigint NOT NULL,
    source text NOT NULL,
    updated_at text NOT NULL
);

CREATE TABLE history_blocks (
    number bigint PRIMARY KEY,
    hash text NOT NULL,
    previous_hash text NOT NULL,
    data_hash text NOT NULL,
    tx_count integer NOT NULL
);

CREATE TABLE history_transactions (
    block_number bigint NOT NULL,
    position integer NOT NULL,
    tx_id text NOT NULL,
    ts text NOT NULL,
    creator_msp text NOT NULL,
    creator_role text,
    contract text,
    function text,
    validation_code text NOT NULL,
    event_name text,
    event_payload bytea,
    PRIMARY KEY (block_number, position)
);
CREATE INDEX history_transactions_tx_id ON history_transactions (tx_id);
CREATE INDEX history_transactions_function ON history_transactions (contract, function, block_number, position);
CREATE INDEX history_transactions_creator ON history_transactions (creator_msp, block_number, position);
CREATE INDEX history_transactions_ts ON history_transactions (ts, block_number, position);
CREATE INDEX history_transactions_event ON history_transactions (event_name, block_number, position);

CREATE TABLE history_writes (
    key text NOT NULL,
    block_number bigint NOT NULL,
    position integer NOT NULL,
    object_type text,
    is_delete boolean NOT NULL,
    value bytea,
    doc jsonb,
    PRIMARY KEY (key, block_number, position)
);
CREATE INDEX history_writes_block ON history_writes (block_number, position);
CREATE INDEX history_writes_type ON history_writes (object_type, block_number, position);

CREATE TABLE history_state (
    key text PRIMARY KEY,
    object_type text,
    doc jsonb,
    block_number bigint NOT NULL,
    position integer NOT NULL
);
CREATE INDEX history_state_type ON history_state (object_type);
CREATE INDEX history_state_unit_lot ON history_state ((doc->>'gtin'), (doc->>'lot'), key) WHERE object_type = 'supply.unit';
CREATE INDEX history_state_audit_patient ON history_state ((doc->'entity'->>'patientId'), (doc->>'recorded'), key) WHERE object_type = 'ehr.audit';
CREATE INDEX history_state_audit_record ON history_state ((doc->'entity'->>'recordId'), (doc->>'recorded'), key) WHERE object_type = 'ehr.audit';
CREATE INDEX history_state_audit_agent ON history_state ((doc->'agent'->>'actorId'), (doc->>'recorded'), key) WHERE object_type = 'ehr.audit';
CREATE INDEX history_state_audit_time ON history_state ((doc->>'recorded'), key) WHERE object_type = 'ehr.audit';
`;
