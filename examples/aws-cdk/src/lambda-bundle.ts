import { join } from 'node:path';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { type BuildOptions, buildSync } from 'esbuild';

/** The directory holding the Lambda entry points. */
const LAMBDA_DIR = join(import.meta.dirname, 'lambda');

/**
 * What the Lambda Node.js 22 runtime provides, so a bundle imports it instead of carrying it:
 * the AWS SDK for JavaScript v3 (its `@smithy/*` parts come with the clients). The same default
 * as CDK's `NodejsFunction` for Node 18 and later. A function then runs the runtime's SDK
 * version, not the lockfile's; the example pins the runtime (`NODEJS_22_X`), and a bundle
 * loaded elsewhere resolves these from a `node_modules` above it.
 */
const RUNTIME_MODULES = ['@aws-sdk/*'] as const;

/** The example's Lambda functions, each `src/lambda/<name>.ts`. */
export type LambdaName = 'api' | 'transformer' | 'firehose-journal' | 'digest-publisher';

/**
 * How a function's bundle is built (esbuild, in process): what {@link lambdaCode} deploys and
 * what the bundle benchmark measures, so the two cannot drift.
 *
 * @example
 * buildSync(lambdaBuildOptions('api', '/tmp/api/index.mjs'));
 */
export function lambdaBuildOptions(name: LambdaName, outfile: string): BuildOptions {
  return {
    entryPoints: [join(LAMBDA_DIR, `${name}.ts`)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    conditions: ['@wallet/source'],
    external: [...RUNTIME_MODULES],
    minify: true,
    sourcemap: true,
    legalComments: 'none',
    logLevel: 'error',
    // CommonJS dependencies inside an ES module bundle still call `require`.
    banner: {
      js: "import { createRequire as __walletRequire } from 'node:module'; const require = __walletRequire(import.meta.url);",
    },
  };
}

/**
 * The code of one of the example's Lambda functions (`src/lambda/<name>.ts`), bundled by esbuild
 * in process at synth time: no Docker, no network, and the workspace packages bundled from their
 * TypeScript sources (the `@wallet/source` condition), so a synth never needs a build first.
 * The asset is hashed by its output, so a change in any bundled package redeploys the function.
 * The handler is `index.handler`.
 *
 * @example
 * new lambda.Function(this, 'Api', { code: lambdaCode('api'), handler: 'index.handler', runtime });
 */
export function lambdaCode(name: LambdaName): Code {
  return Code.fromAsset(LAMBDA_DIR, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Required by the API, never used: local bundling below always succeeds or throws.
      image: DockerImage.fromRegistry('public.ecr.aws/sam/build-nodejs22.x'),
      // CDK caches bundles by these options, and functions do not count: naming the entry
      // here keeps one function's bundle from being reused for another.
      command: ['esbuild', `${name}.ts`],
      local: {
        tryBundle(outputDir) {
          buildSync(lambdaBuildOptions(name, join(outputDir, 'index.mjs')));
          return true;
        },
      },
    },
  });
}
