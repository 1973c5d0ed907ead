/** The environment variable naming the registry directory (set by the reporter, inherited by Jest's workers). */
export declare const ATTACHMENTS_DIR_ENV = 'TESTSIGMA_TM_JEST_ATTACHMENTS_DIR';
/**
 * Registers `filePath` (relative to the working directory) to be uploaded with the running test's result,
 * named `name` (default: the file name). Returns false, and does nothing, without the reporter or outside a test.
 */
export declare function attach(filePath: string, name?: string): boolean;
