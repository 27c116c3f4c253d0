import { DocumentVersionView, DocumentView } from '@app/contracts';

export const DOCUMENT_COLUMNS = `d.id, d.workspace_id, d.kind, d.classification, d.title, d.owner_id, d.account_id,
  to_char(d.retention_until, 'YYYY-MM-DD') AS retention_until, d.current_version, d.created_by, d.created_at,
  d.updated_at`;

export interface DocumentRow {
  id: string;
  workspace_id: string;
  kind: DocumentView['kind'];
  classification: DocumentView['classification'];
  title: string;
  owner_id: string;
  account_id: string | null;
  retention_until: string | null;
  current_version: number;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

export const VERSION_COLUMNS = `v.id, v.document_id, v.version_no, v.file_name, v.mime_type, v.size_bytes, v.sha256,
  v.key_id, v.wrapped_key, v.iv, v.auth_tag, v.uploaded_by, v.created_at`;

export interface VersionRow {
  id: string;
  document_id: string;
  version_no: number;
  file_name: string;
  mime_type: string;
  size_bytes: string;
  sha256: string;
  key_id: string;
  wrapped_key: Buffer;
  iv: Buffer;
  auth_tag: Buffer;
  uploaded_by: string;
  created_at: Date;
}

export function toDocumentView(r: DocumentRow, versions?: VersionRow[]): DocumentView {
  return {
    id: r.id,
    kind: r.kind,
    classification: r.classification,
    title: r.title,
    ownerId: r.owner_id,
    accountId: r.account_id,
    retentionUntil: r.retention_until,
    currentVersion: r.current_version,
    createdBy: r.created_by,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    ...(versions ? { versions: versions.map(toVersionView) } : {}),
  };
}

export function toVersionView(v: VersionRow): DocumentVersionView {
  return {
    version: v.version_no,
    fileName: v.file_name,
    mimeType: v.mime_type,
    sizeBytes: Number(v.size_bytes),
    sha256: v.sha256,
    uploadedBy: v.uploaded_by,
    createdAt: v.created_at.toISOString(),
  };
}
