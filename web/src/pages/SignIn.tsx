import { useEffect, useState } from 'react';
import { Api } from '../api/client';
import { listIdentities, type DeviceIdentity } from '../crypto/device-key';
import { ErrorNotice, Field, Progress, Section, useAction } from '../components/ui';
import { roleLabels, sessionFromToken, type AppConfig, type Persona, type Session } from '../session';
import { enrolPatientOnDevice, newPatientNames, sessionOfDevice } from './enrol-device';

const here = () => window.location.origin;

/** Sign-in: demo personas (development ledgers), a pasted token, or a patient key on this device. */
export function SignIn({ onSignIn, current }: { onSignIn: (s: Session) => void; current?: Session }) {
    const [config, setConfig] = useState<AppConfig>();
    const [devices, setDevices] = useState<DeviceIdentity[]>([]);
    const [token, setToken] = useState('');
    const [progress, setProgress] = useState<string>();
    const action = useAction();

    useEffect(() => {
        new Api({ baseUrl: here(), token: '' }).get<AppConfig>('/app/config').then(setConfig, action.setError);
        listIdentities().then(setDevices, () => setDevices([]));
    }, []);

    // Arriving from another org's gateway with `#/signin?as=org/user`: sign in as that persona here.
    useEffect(() => {
        const as = new URLSearchParams(window.location.hash.split('?')[1] ?? '').get('as');
        const persona = config?.personas.find((p) => `${p.org}/${p.user}` === as && sameOrigin(p.url));
        if (persona) void choose(persona);
    }, [config]);

    async function choose(persona: Persona) {
        if (!sameOrigin(persona.url)) {
            // Each org's gateway serves its own personas: go there.
            window.location.href = `${persona.url.replace(/\/$/, '')}/#/signin?as=${persona.org}/${persona.user}`;
            return;
        }
        const session = await action.run(() => sessionFromToken(here(), persona.token));
        if (session) onSignIn(session);
    }

    const enrolmentToken = config?.personas.find((p) => p.org === config.org && p.role === 'admin')?.token;
    const [deskToken, setDeskToken] = useState('');
    const enrolDevice = async () => {
        const names = newPatientNames();
        const session = await action.run(() =>
            enrolPatientOnDevice({
                baseUrl: here(),
                enrolmentToken: enrolmentToken ?? deskToken,
                ...names,
                onProgress: setProgress,
            }),
        );
        setProgress(undefined);
        if (session) onSignIn(session);
    };

    const byOrg = new Map<string, Persona[]>();
    for (const p of config?.personas ?? []) byOrg.set(p.org, [...(byOrg.get(p.org) ?? []), p]);

    return (
        <>
            <h1>Sign in to CareLedger</h1>
            {current && (
                <p>
                    Signed in as {current.user} ({current.org}). <a href="#/patient">Continue</a> or choose another
                    persona.
                </p>
            )}
            {config && (
                <p>
                    This gateway serves <strong>{config.org}</strong> on the <strong>{config.ledger}</strong> ledger.
                </p>
            )}
            <ErrorNotice error={action.error} />
            {progress && <Progress label={progress} />}
            {devices.length > 0 && (
                <Section title="Patients with a key on this device">
                    <ul className="personas">
                        {devices.map((d) => (
                            <li key={d.id}>
                                <button
                                    type="button"
                                    onClick={() => config && onSignIn(sessionOfDevice(d, config.mspId, here()))}
                                >
                                    Continue as {d.user} ({d.actorId})
                                </button>
                            </li>
                        ))}
                    </ul>
                </Section>
            )}
            <Section title="New patient: keep your key on this device">
                <p>
                    Your browser makes a signing key that cannot be copied out of it. The organisation certifies it;
                    every change to your consents is then signed here, never by the gateway.
                </p>
                {!enrolmentToken && (
                    <Field label="Enrolment token (given by your care provider's enrolment desk)">
                        {(id) => (
                            <input
                                id={id}
                                value={deskToken}
                                onChange={(e) => setDeskToken(e.target.value)}
                                autoComplete="off"
                            />
                        )}
                    </Field>
                )}
                <button type="button" onClick={enrolDevice} disabled={action.busy || (!enrolmentToken && !deskToken)}>
                    Create my key and enrol
                </button>
            </Section>
            {byOrg.size > 0 && (
                <Section title="Demo personas (development ledger only)">
                    <p className="warning-text">
                        These accounts exist only on the development ledger; their tokens are handed out to anyone who
                        opens this page.
                    </p>
                    {[...byOrg].map(([org, personas]) => (
                        <div key={org} className="org-group">
                            <h3>{org}</h3>
                            <ul className="personas">
                                {personas.map((p) => (
                                    <li key={p.user}>
                                        <button type="button" onClick={() => void choose(p)} disabled={action.busy}>
                                            {p.user} <small>{roleLabels[p.role] ?? p.role}</small>
                                        </button>
                                    </li>
                                ))}
                            </ul>
                        </div>
                    ))}
                </Section>
            )}
            <Section title="Sign in with a token">
                <form
                    onSubmit={async (e) => {
                        e.preventDefault();
                        const session = await action.run(() => sessionFromToken(here(), token.trim()));
                        if (session) onSignIn(session);
                    }}
                >
                    <Field label="Bearer token" hint="Issued by your organisation's administrator (POST /auth/enroll).">
                        {(id) => (
                            <input
                                id={id}
                                value={token}
                                onChange={(e) => setToken(e.target.value)}
                                autoComplete="off"
                                required
                            />
                        )}
                    </Field>
                    <button type="submit" disabled={action.busy}>
                        Sign in
                    </button>
                </form>
            </Section>
        </>
    );
}

function sameOrigin(url: string): boolean {
    try {
        return new URL(url).origin === window.location.origin;
    } catch {
        return false;
    }
}
