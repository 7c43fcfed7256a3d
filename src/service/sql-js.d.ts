// Minimal typings of the sql.js surface src/service uses (the package ships none).
declare module 'sql.js' {
  export interface Statement {
    bind(params?: unknown[]): boolean;
    step(): boolean;
    getAsObject(): Record<string, unknown>;
    free(): boolean;
  }
  export interface Database {
    run(sql: string, params?: unknown[]): Database;
    exec(sql: string): unknown[];
    prepare(sql: string): Statement;
    export(): Uint8Array;
    close(): void;
  }
  export interface SqlJsStatic {
    Database: new (data?: Uint8Array) => Database;
  }
  export default function initSqlJs(config?: { wasmBinary?: Uint8Array | ArrayBuffer }): Promise<SqlJsStatic>;
}
