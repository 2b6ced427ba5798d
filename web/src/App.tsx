import { lazy, Suspense, useEffect, useState } from 'react';
import { homeOf, loadSession, roleLabels, saveSession, type Session } from './session';
import { SignIn } from './pages/SignIn';
import { apiOf } from './session';

// Each persona's pages load when first visited: the sign-in page stays small.
const Patient = lazy(() => import('./pages/Patient'));
const Clinician = lazy(() => import('./pages/Clinician'));
const Supply = lazy(() => import('./pages/Supply'));
const Regulator = lazy(() => import('./pages/Regulator'));
const RegulatorIndex = lazy(() => import('./pages/RegulatorIndex'));

function useHash(): string {
    const [hash, setHash] = useState(window.location.hash || '#/');
    useEffect(() => {
        const update = () => setHash(window.location.hash || '#/');
        window.addEventListener('hashchange', update);
        return () => window.removeEventListener('hashchange', update);
    }, []);
    return hash;
}

export function App() {
    const [session, setSession] = useState<Session | undefined>(loadSession);
    const hash = useHash();
    const route = hash.split('?')[0];

    const signIn = (next: Session) => {
        saveSession(next);
        setSession(next);
        window.location.hash = homeOf(next.role);
    };
    const signOut = () => {
        saveSession(undefined);
        setSession(undefined);
        window.location.hash = '#/';
    };

    useEffect(() => {
        const title = route.replace('#/', '') || 'sign in';
        document.title = `CareLedger — ${title}`;
        document.getElementById('main')?.focus();
    }, [route]);

    let page;
    if (!session || route === '#/' || route === '#/signin') {
        page = <SignIn onSignIn={signIn} current={session} />;
    } else if (route === '#/patient') {
        page = <Patient session={session} />;
    } else if (route === '#/clinician') {
        page = <Clinician session={session} />;
    } else if (route === '#/supply') {
        page = <Supply session={session} />;
    } else if (route === '#/regulator') {
        page = <Regulator session={session} />;
    } else if (route === '#/regulator/index') {
        page = <RegulatorIndex session={session} />;
    } else {
        page = <AdminHome session={session} />;
    }

    return (
        <>
            <a
                className="skip"
                href="#main"
                onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}
            >
                Skip to content
            </a>
            <header className="top">
                <span className="brand">CareLedger</span>
                {session && (
                    <nav aria-label="Account">
                        <span className="who">
                            {session.user} · {roleLabels[session.role] ?? session.role} · {session.org}
                            {session.signing === 'offline' && <span className="badge ok"> key on this device</span>}
                        </span>
                        <a href={homeOf(session.role)}>My pages</a>
                        <button type="button" onClick={signOut}>
                            Sign out
                        </button>
                    </nav>
                )}
            </header>
            <main id="main" tabIndex={-1}>
                <Suspense fallback={<p role="status">Loading…</p>}>{page}</Suspense>
            </main>
        </>
    );
}

function AdminHome({ session }: { session: Session }) {
    const [who, setWho] = useState<string>('');
    useEffect(() => {
        apiOf(session)
            .get<object>('/system/whoami')
            .then(
                (w) => setWho(JSON.stringify(w, null, 2)),
                (e: Error) => setWho(e.message),
            );
    }, [session]);
    return (
        <>
            <h1>{session.org} administration</h1>
            <p>
                Administrators enrol users and manage webhooks through the API: see{' '}
                <a href="/docs">the API documentation</a>.
            </p>
            <pre tabIndex={0} aria-label="Who the chaincode sees">
                {who}
            </pre>
        </>
    );
}
