/**
 * Fault injection for recovery tests: when `CARELEDGER_CRASH_AT` names this point, the gateway
 * process kills itself there with SIGKILL (no clean-up, no flush), as a power cut or the OOM
 * killer would. Unset in production; test/scenarios/ehr-pending-recovery.test.ts sets
 * `ehr-between-steps` (after a pointer committed, before its location is submitted).
 */
export function crashPoint(name: string): void {
    if (process.env.CARELEDGER_CRASH_AT === name) {
        process.kill(process.pid, 'SIGKILL');
    }
}
