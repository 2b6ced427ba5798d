import { createHash } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import { LedgerError, type LedgerErrorCode } from '../errors';
import type { LedgerEvent, TransactionRequest } from '../ledger';

/**
 * The ledger relay's wire format: JSON over HTTP on a Unix socket in the ledger's data folder.
 * One process opens the embedded ledger (it locks its folder); others — the CLI, a second
 * gateway — reach the same ledger through that process. Only who can open the data folder
 * can reach the socket, and the data folder already holds every development identity's key,
 * so the relay grants nothing its callers could not already do.
 */

/** Where the relay of the ledger in `dataDir` listens; short enough for a Unix socket path. */
export function relaySocketPath(dataDir: string): string {
    const inFolder = path.join(path.resolve(dataDir), 'ledger.sock');
    if (inFolder.length < 100) {
        return inFolder;
    }
    const tag = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16);
    return path.join(os.tmpdir(), `careledger-${tag}.sock`);
}

export interface WireRequest {
    contract: string;
    name: string;
    args?: string[];
    /** Values base64. */
    transient?: Record<string, string>;
    endorsingOrganizations?: string[];
}

export function requestToWire(request: TransactionRequest): WireRequest {
    return {
        contract: request.contract,
        name: request.name,
        args: request.args ? [...request.args] : undefined,
        transient: request.transient
            ? Object.fromEntries(
                  Object.entries(request.transient).map(([key, value]) => [
                      key,
                      Buffer.from(typeof value === 'string' ? Buffer.from(value, 'utf8') : value).toString('base64'),
                  ]),
              )
            : undefined,
        endorsingOrganizations: request.endorsingOrganizations ? [...request.endorsingOrganizations] : undefined,
    };
}

export function requestFromWire(wire: WireRequest): TransactionRequest {
    return {
        contract: String(wire.contract),
        name: String(wire.name),
        args: wire.args?.map(String),
        transient: wire.transient
            ? Object.fromEntries(
                  Object.entries(wire.transient).map(([key, value]) => [key, Buffer.from(value, 'base64')]),
              )
            : undefined,
        endorsingOrganizations: wire.endorsingOrganizations,
    };
}

export interface WireEvent {
    blockNumber: string;
    transactionId: string;
    chaincodeName: string;
    eventName: string;
    payload: string;
}

export function eventToWire(event: LedgerEvent): WireEvent {
    return {
        blockNumber: event.blockNumber.toString(),
        transactionId: event.transactionId,
        chaincodeName: event.chaincodeName,
        eventName: event.eventName,
        payload: Buffer.from(event.payload).toString('base64'),
    };
}

export function eventFromWire(wire: WireEvent): LedgerEvent {
    return {
        blockNumber: BigInt(wire.blockNumber),
        transactionId: wire.transactionId,
        chaincodeName: wire.chaincodeName,
        eventName: wire.eventName,
        payload: Buffer.from(wire.payload, 'base64'),
    };
}

export interface WireError {
    code: LedgerErrorCode;
    detail: string;
    field?: string;
    transactionId?: string;
}

export function errorToWire(error: unknown): WireError {
    if (error instanceof LedgerError) {
        return { code: error.code, detail: error.detail, field: error.field, transactionId: error.transactionId };
    }
    return { code: 'INTERNAL', detail: (error as Error)?.message ?? String(error) };
}

export function errorFromWire(wire: WireError): LedgerError {
    return new LedgerError(wire.code, wire.detail, { field: wire.field, transactionId: wire.transactionId });
}
