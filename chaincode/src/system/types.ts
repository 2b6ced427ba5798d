/** A named heartbeat's latest state: how often it beat, and the last beat's transaction. */
export interface Heartbeat {
    group: string;
    name: string;
    count: number;
    mspId: string;
    txId: string;
    at: string;
}

/** One version of a heartbeat, as its key history reports it. */
export interface HeartbeatVersion {
    txId: string;
    /** ISO-8601 timestamp of the transaction that wrote this version. */
    timestamp: string;
    isDelete: boolean;
    count?: number;
}
