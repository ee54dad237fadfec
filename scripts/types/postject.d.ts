/** postject ships no types: the one call scripts/build-exe.mjs makes (its dist/api.js, `module.exports = { inject }`). */
declare module 'postject' {
  interface InjectOptions {
    sentinelFuse?: string;
    machoSegmentName?: string;
    overwrite?: boolean;
  }
  const postject: {
    inject(filename: string, resourceName: string, resourceData: Buffer, options?: InjectOptions): Promise<void>;
  };
  export default postject;
}
