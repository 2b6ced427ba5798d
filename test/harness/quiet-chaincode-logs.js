// Jest setup: fabric-contract-api and fabric-shim log every decorator and every rejected
// transaction through winston at info level, which floods test output. CRITICAL silences
// them; set CORE_CHAINCODE_LOGGING_LEVEL=DEBUG (or INFO) to see them again.
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'CRITICAL';
