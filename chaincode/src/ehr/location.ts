import { createHash } from 'node:crypto';
import type { Context } from 'fabric-contract-api';
import {
    ContractError,
    fromBytes,
    implicitCollection,
    invalidArgument,
    requireString,
    requireUri,
    toBytes,
} from '../common';
import { EhrKeys } from './keys';
import type { RecordLocation } from './types';

/**
 * Where a document lives is kept in the custodian's implicit private data collection; the
 * channel holds only a salted digest. The salt (random, from the client) stops anyone who can
 * guess URIs from confirming one against the digest, and also salts the hash Fabric itself
 * puts on the channel for every private write.
 */
export const TransientKeys = { location: 'location', salt: 'salt', reason: 'reason', locations: 'locations' } as const;

const saltRule = {
    min: 32,
    max: 128,
    pattern: /^[0-9a-f]+$/,
    patternRule: 'must be 32-128 lowercase hex characters (16+ random bytes)',
};

export function requireSalt(value: unknown, field: string): string {
    return requireString(value, field, saltRule);
}

export function saltedDigest(salt: string, text: string): string {
    return createHash('sha256').update(`${salt}\n${text}`, 'utf8').digest('hex');
}

/** A transient field as text; throws INVALID_ARGUMENT naming it when it is missing. */
export function transientText(ctx: Context, key: string): string {
    const bytes = ctx.stub.getTransient().get(key);
    if (!bytes || bytes.length === 0) {
        throw invalidArgument(`transient.${key}`, 'is required in transient data');
    }
    return Buffer.from(bytes).toString('utf8');
}

/** Location and salt from transient data, validated. */
export function transientLocation(ctx: Context): { location: string; salt: string } {
    return {
        location: requireUri(transientText(ctx, TransientKeys.location), `transient.${TransientKeys.location}`),
        salt: requireSalt(transientText(ctx, TransientKeys.salt), `transient.${TransientKeys.salt}`),
    };
}

export async function putLocation(ctx: Context, custodianMsp: string, value: RecordLocation): Promise<void> {
    await ctx.stub.putPrivateData(
        implicitCollection(custodianMsp),
        EhrKeys.location(ctx, value.recordId),
        toBytes(value),
    );
}

/** Only meaningful on a custodian peer: other peers never hold the value. */
export async function getLocation(
    ctx: Context,
    custodianMsp: string,
    recordId: string,
): Promise<RecordLocation | undefined> {
    const bytes = await ctx.stub.getPrivateData(implicitCollection(custodianMsp), EhrKeys.location(ctx, recordId));
    return bytes && bytes.length > 0 ? fromBytes<RecordLocation>(bytes) : undefined;
}

/** Whether the channel still carries the hash of a record's location; every peer can answer. */
export async function locationHashPresent(ctx: Context, custodianMsp: string, recordId: string): Promise<boolean> {
    const hash = await ctx.stub.getPrivateDataHash(implicitCollection(custodianMsp), EhrKeys.location(ctx, recordId));
    return !!hash && hash.length > 0;
}

export async function purgeLocation(ctx: Context, custodianMsp: string, recordId: string): Promise<void> {
    await ctx.stub.purgePrivateData(implicitCollection(custodianMsp), EhrKeys.location(ctx, recordId));
}

/** A document location as StoreRecordLocation accepts it; the gateway checks it with this before the pointer's submit. */
export function requireLocation(value: unknown, field: string): string {
    return requireUri(value, field);
}

/**
 * Whether a live pointer still waits for its location: its StoreRecordLocation never committed, so
 * the channel carries no hash of it. Derived on every peer from the hash, never stored: the
 * location step writes nothing public (that is what keeps it on the custodian's peers).
 */
export async function isPendingLocation(ctx: Context, record: { id: string; custodianMsp: string }): Promise<boolean> {
    return !(await locationHashPresent(ctx, record.custodianMsp, record.id));
}

/**
 * Locations of a StoreRecordLocations batch: transient `locations`, a JSON array of `{location,
 * salt}` in the order of the record ids.
 */
export function transientLocationBatch(ctx: Context, count: number): Array<{ location: string; salt: string }> {
    let parsed: unknown;
    try {
        parsed = JSON.parse(transientText(ctx, TransientKeys.locations));
    } catch (error) {
        if (error instanceof ContractError) {
            throw error;
        }
        throw invalidArgument(`transient.${TransientKeys.locations}`, 'must be a JSON array of {location, salt}');
    }
    if (!Array.isArray(parsed) || parsed.length !== count) {
        throw invalidArgument(
            `transient.${TransientKeys.locations}`,
            `must be a JSON array of {location, salt}, one per record id (${count})`,
        );
    }
    return parsed.map((item: unknown, index) => {
        const field = `transient.${TransientKeys.locations}[${index}]`;
        if (item === null || typeof item !== 'object' || Array.isArray(item)) {
            throw invalidArgument(field, 'must be an object {location, salt}');
        }
        const { location, salt } = item as Record<string, unknown>;
        return { location: requireLocation(location, `${field}.location`), salt: requireSalt(salt, `${field}.salt`) };
    });
}
