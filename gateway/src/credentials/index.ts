export { CredentialsClient, type PageRequest, type PresentedDocument, type StatusListPurpose } from './client';
export { commitDocument, documentSha256, type CommittedDocument } from './document';
