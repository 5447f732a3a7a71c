import type { CmsEnv } from "@inkstone/config";

/**
 * Where uploaded files are kept: the CMS's public folder (`<CMS_PUBLIC_DIR>/uploads`, served at `/uploads/…`) by
 * default, or an S3-compatible bucket when UPLOAD_S3_BUCKET is set (production: several CMS processes, no shared
 * disk). Either way the database keeps each file's URL; the community serves relative ones (`/uploads/…`) through
 * itself and links absolute ones as they are.
 */

type S3Settings = Pick<
  CmsEnv,
  | "UPLOAD_S3_BUCKET"
  | "UPLOAD_S3_REGION"
  | "UPLOAD_S3_ENDPOINT"
  | "UPLOAD_S3_ACCESS_KEY_ID"
  | "UPLOAD_S3_SECRET_ACCESS_KEY"
  | "UPLOAD_S3_PUBLIC_URL"
>;

/** The upload plugin's `provider` and `providerOptions` for `env`. */
export function uploadProvider(env: S3Settings): { provider: string; providerOptions: Record<string, unknown> } {
  const bucket = env.UPLOAD_S3_BUCKET;
  if (!bucket) return { provider: "local", providerOptions: {} };
  const keyId = env.UPLOAD_S3_ACCESS_KEY_ID;
  const secret = env.UPLOAD_S3_SECRET_ACCESS_KEY;
  if (Boolean(keyId) !== Boolean(secret))
    throw new Error(
      "Invalid configuration for cms:\n  - UPLOAD_S3_ACCESS_KEY_ID and UPLOAD_S3_SECRET_ACCESS_KEY go together: set both, or neither to use the AWS SDK's own credentials.",
    );
  return {
    provider: "aws-s3",
    providerOptions: {
      ...(env.UPLOAD_S3_PUBLIC_URL ? { baseUrl: env.UPLOAD_S3_PUBLIC_URL } : {}),
      s3Options: {
        region: env.UPLOAD_S3_REGION,
        ...(env.UPLOAD_S3_ENDPOINT
          ? // S3-compatible services (MinIO, R2, B2) are addressed path-style: bucket names need no DNS of their own.
            { endpoint: env.UPLOAD_S3_ENDPOINT, forcePathStyle: true }
          : {}),
        ...(keyId && secret ? { credentials: { accessKeyId: keyId, secretAccessKey: secret } } : {}),
        // No ACL: buckets made since 2023 (and R2) refuse ACL headers; the bucket's policy or CDN makes files public.
        params: { Bucket: bucket, ACL: undefined },
      },
    },
  };
}

/** The origins uploaded files are served from when that is not the CMS itself, for the admin panel's CSP. */
export function mediaOrigins(env: S3Settings): string[] {
  const bucket = env.UPLOAD_S3_BUCKET;
  if (!bucket) return [];
  const given = env.UPLOAD_S3_PUBLIC_URL ?? env.UPLOAD_S3_ENDPOINT;
  if (given) return [new URL(given).origin];
  // AWS answers uploads with either form of the bucket's address, depending on the region.
  return [`https://${bucket}.s3.amazonaws.com`, `https://${bucket}.s3.${env.UPLOAD_S3_REGION}.amazonaws.com`];
}
