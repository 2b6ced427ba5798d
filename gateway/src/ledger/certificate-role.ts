import { X509Certificate } from 'node:crypto';

/** Fabric CA's attribute extension (OID 1.2.3.4.5.6.7.8.1) carries `{"attrs":{...}}` as its raw value. */
const attributesMarker = Buffer.from('{"attrs":');
const roles = new Map<string, string | undefined>();

/**
 * The `careledger.role` attribute of an enrolment certificate (PEM), or undefined when it has
 * none. Only the role is read: the certificate's names never leave here. Results are cached by
 * certificate, since a block's transactions repeat the same few creators.
 */
export function certificateRole(pem: string): string | undefined {
    if (roles.has(pem)) {
        return roles.get(pem);
    }
    let role: string | undefined;
    try {
        const der = new X509Certificate(pem).raw;
        const start = der.indexOf(attributesMarker);
        if (start >= 0) {
            const text = jsonObjectAt(der.subarray(start).toString('utf8'));
            const attrs = (JSON.parse(text) as { attrs?: Record<string, unknown> }).attrs ?? {};
            role = typeof attrs['careledger.role'] === 'string' ? attrs['careledger.role'] : undefined;
        }
    } catch {
        role = undefined;
    }
    if (roles.size > 10_000) {
        roles.clear();
    }
    roles.set(pem, role);
    return role;
}

/** The JSON object that `text` starts with (braces balanced outside strings). */
function jsonObjectAt(text: string): string {
    let depth = 0;
    let inString = false;
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (inString) {
            if (c === '\\') {
                i++;
            } else if (c === '"') {
                inString = false;
            }
        } else if (c === '"') {
            inString = true;
        } else if (c === '{') {
            depth++;
        } else if (c === '}' && --depth === 0) {
            return text.slice(0, i + 1);
        }
    }
    throw new Error('unterminated attribute extension');
}
