import { EventPattern } from '@nestjs/microservices';

/**
 * `@OnEvent('billing.invoice.issued.v1')`: a durable consumer of that event type (see
 * JetStreamServer). Nest 12's typed `EventPattern` overload rejects handlers that take `@Ctx()`;
 * this picks the untyped one.
 */
export const OnEvent = (type: string): MethodDecorator => EventPattern<string>(type);
