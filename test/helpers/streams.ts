import { Writable } from 'node:stream';

/** A writable stream that keeps what was written, for asserting on CLI output. */
export class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

export function captureStreams() {
  return { stdout: new Capture(), stderr: new Capture() };
}
