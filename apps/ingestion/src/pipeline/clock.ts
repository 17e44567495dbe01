import { Injectable } from '@nestjs/common';

/** The time seen by the pipeline and the jobs; a seam for tests. */
@Injectable()
export class Clock {
  now(): number {
    return Date.now();
  }
}
