export { HistoryIndex, type HistoryIndexOptions, type HistoryStatus } from './history-index';
export { HistoryQueries, type Answer, type TransactionItem } from './queries';
export { HistoryReports, reportCsv, reportNames, type Report, type ReportName } from './reports';
export { loadHistoryConfig, openOrgHistoryIndex, type HistoryConfig } from './config';
export { scopeOf, requireOperator, seesTradeData, type Scope, type Viewer } from './policy';
export { createPostgresDatabase, openHistoryDatabase, isOutage, type HistoryDatabase } from './database';
export type { VerifyReport } from './verify';
export type { IndexerStatus } from './ingest';
export { VerificationReadModel, type ReadModelAnswer, type ReadModelFreshness } from './read-model';
