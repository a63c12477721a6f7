import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeRule } from './nag.ts';

/** Top-level key prefixes of the results store (functions/store/keys.ts). */
export const SCANS_PREFIX = 'scans/';
export const CLUSTERS_PREFIX = 'clusters/';

export interface ResultsBucketProps {
  /** Days the objects of one scan (`scans/…`) are kept. */
  readonly scanRetentionDays: number;
  /** Days an overwritten or deleted object version is kept. */
  readonly noncurrentVersionRetentionDays: number;
  /** Days S3 server access logs are kept. */
  readonly accessLogRetentionDays: number;
}

/**
 * The results store: a KMS-encrypted (customer key, rotated, S3 Bucket Key), versioned,
 * TLS-only, never-public bucket with server access logs, kept when the stack is deleted.
 * Grants are explicit actions on key prefixes (no `s3:*Object*` or `kms:*` wildcards), and the
 * key is usable only through S3 (`kms:ViaService`).
 */
export class ResultsBucket extends Construct {
  readonly bucket: s3.Bucket;
  readonly key: kms.Key;
  readonly accessLogs: s3.Bucket;

  constructor(scope: Construct, id: string, props: ResultsBucketProps) {
    super(scope, id);
    // The access log bucket has ACLs disabled (BUCKET_OWNER_ENFORCED), so log delivery must be
    // granted by bucket policy; pinned here so the construct does not depend on cdk.json.
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);

    this.key = new kms.Key(this, 'Key', {
      description: 'Watchkeeper scan results',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Server access logs cannot be delivered to an SSE-KMS bucket, hence S3-managed keys here.
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: false,
      lifecycleRules: [
        { id: 'expire-access-logs', expiration: Duration.days(props.accessLogRetentionDays) },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeRule(
      this.accessLogs,
      'S1',
      'This bucket is the destination of the results bucket server access logs; logging it to itself would loop and logging it elsewhere only moves the problem.',
    );

    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'results/',
      lifecycleRules: [
        {
          id: 'expire-old-scans',
          prefix: SCANS_PREFIX,
          expiration: Duration.days(props.scanRetentionDays),
        },
        {
          id: 'expire-noncurrent-versions',
          noncurrentVersionExpiration: Duration.days(props.noncurrentVersionRetentionDays),
          expiredObjectDeleteMarker: true,
        },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  get bucketName(): string {
    return this.bucket.bucketName;
  }

  /** S3 calls KMS on the caller's behalf; nothing else may use the key with these grants. */
  private viaS3(): Record<string, Record<string, string>> {
    return { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.${Aws.URL_SUFFIX}` } };
  }

  /** `s3:GetObject` on the given key patterns (e.g. `scans/*`) and decrypt through S3. */
  grantReadObjects(grantee: iam.IGrantable, patterns: readonly string[]): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: patterns.map((pattern) => this.bucket.arnForObjects(pattern)),
      }),
    );
    this.grantKeyThroughS3(grantee, { encrypt: false });
  }

  /** `s3:PutObject` on the given key patterns and data-key generation through S3. */
  grantWriteObjects(grantee: iam.IGrantable, patterns: readonly string[]): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject'],
        resources: patterns.map((pattern) => this.bucket.arnForObjects(pattern)),
      }),
    );
    this.grantKeyThroughS3(grantee, { encrypt: true });
  }

  /**
   * The bucket key, usable only by S3 on the grantee's behalf: `kms:Decrypt` to read, plus
   * `kms:GenerateDataKey` to write (Decrypt is also what S3 needs to complete multipart
   * uploads of SSE-KMS objects).
   */
  grantKeyThroughS3(grantee: iam.IGrantable, options: { encrypt: boolean }): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: options.encrypt ? ['kms:GenerateDataKey', 'kms:Decrypt'] : ['kms:Decrypt'],
        resources: [this.key.keyArn],
        conditions: this.viaS3(),
      }),
    );
  }

  /** `s3:ListBucket` (listing keys, not reading them). */
  grantList(grantee: iam.IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }),
    );
  }
}
