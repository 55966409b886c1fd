import { withPayload } from '@payloadcms/next/withPayload'

/** @type {import('next').NextConfig} */
const nextConfig = {
  // scripts/cluster.ts builds its own copy (dev/.next-cluster), so it never replaces files under another running server.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  // PGlite (the embedded dev database) must stay a plain Node package; bundled, it breaks on file URLs.
  serverExternalPackages: ['@electric-sql/pglite', '@electric-sql/pglite-socket'],
  // The plugin's source imports siblings as './x.js' (NodeNext); let webpack find the .ts files.
  webpack: (webpackConfig) => {
    webpackConfig.resolve.extensionAlias = {
      '.cjs': ['.cts', '.cjs'],
      '.js': ['.ts', '.tsx', '.js'],
      '.mjs': ['.mts', '.mjs'],
    }
    return webpackConfig
  },
}

export default withPayload(nextConfig, { devBundleServerPackages: false })
