import { Injectable } from '@nestjs/common';

/** The time seam: issue dates, due dates and past-due checks read "now" here so a scenario can pin it. */
@Injectable()
export class Clock {
  private fixed: Date | null = null;
  now(): Date {
    return this.fixed ? new Date(this.fixed) : new Date();
  }
  /** Test hook: pin the clock (null releases it). */
  set(at: Date | null): void {
    this.fixed = at;
  }
}
