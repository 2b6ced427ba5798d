/**
 * Imported first by the entry points: the embedded ledger loads the contracts in-process, and
 * fabric-contract-api logs every decorator at info level when first imported, and every
 * rejected transaction as a red, non-JSON `ContractError` line once per endorsing peer —
 * nearly always the caller's mistake. The gateway logs each request once, as JSON, with the
 * error's code (app.ts), and failures that are not the caller's at error level; so the
 * contract runtime's own lines are kept to CRITICAL. CORE_CHAINCODE_LOGGING_LEVEL still
 * raises them (e.g. DEBUG while debugging a contract).
 */
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'CRITICAL';

export {};
