/**
 * Imported first by the entry points: the embedded ledger loads the contracts in-process, and
 * fabric-contract-api logs every decorator at info level when first imported. Operators can
 * still raise it with CORE_CHAINCODE_LOGGING_LEVEL.
 */
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'WARNING';

export {};
