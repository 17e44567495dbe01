import { ackSequences } from './ack-subject';

describe('ackSequences', () => {
  it('reads the stream and delivery sequences of both ack subject forms', () => {
    expect(ackSequences('$JS.ACK.TELEMETRY.ingest.1.4213.977.1796129020612000000.12')).toEqual({ streamSeq: 4213, deliverySeq: 977 });
    expect(ackSequences('$JS.ACK._.ACCHASH.TELEMETRY.ingest.3.4213.977.1796129020612000000.0.R4nd0m')).toEqual({ streamSeq: 4213, deliverySeq: 977 });
    expect(ackSequences('$JS.ACK.hub.ACCHASH.T_X.c-1.1.9007199254740991.1.1.0')).toEqual({ streamSeq: 9007199254740991, deliverySeq: 1 });
  });

  it('refuses what is not an ack subject, so the caller falls back to the client', () => {
    expect(ackSequences('_INBOX.abc.1')).toBeUndefined();
    expect(ackSequences('$JS.ACK.TELEMETRY.ingest.1.4213')).toBeUndefined();
    expect(ackSequences('$JS.ACK.TELEMETRY.ingest.1.42x3.977.1.0')).toBeUndefined();
    expect(ackSequences('$JS.ACK._.H.S.C.1..977.1.0')).toBeUndefined();
  });
});
