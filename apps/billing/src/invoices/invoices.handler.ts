import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  BillingEvents,
  BillingIdParam,
  BillingRpc,
  CancelInvoiceRequest,
  ConsumptionBillableV1,
  CreditNoteRequest,
  ListInvoicesQuery,
  ListBillReviewQueueQuery,
  MarkPastDueRequest,
  ReviewDecisionRequest,
  type BillableConsumptionData,
  type PaymentAppliedData,
} from '@supra/contracts';
import { OnEvent } from '@supra/platform/messaging';
import { RpcOperation } from '@supra/platform/runtime';
import { InvoicesService } from './invoices.service';

/** NATS doors: `rpc.billing.invoices.*`, `rpc.billing.review.*`, and the billable-consumption and payment events. */
@Controller()
export class InvoicesHandler {
  constructor(private readonly invoices: InvoicesService) {}

  @OnEvent(ConsumptionBillableV1.type)
  onBillable(@Payload() d: BillableConsumptionData) {
    return this.invoices.onBillable(d);
  }

  @OnEvent(BillingEvents.paymentApplied.type)
  onPaymentApplied(@Payload() d: PaymentAppliedData) {
    return this.invoices.applyPayment(d);
  }

  @RpcOperation(BillingRpc.listInvoices)
  list(@Payload() dto: ListInvoicesQuery) {
    return this.invoices.list(dto);
  }

  @RpcOperation(BillingRpc.getInvoice)
  get(@Payload() dto: BillingIdParam) {
    return this.invoices.get(dto.id);
  }

  @RpcOperation(BillingRpc.invoiceXml)
  xml(@Payload() dto: BillingIdParam) {
    return this.invoices.xml(dto.id);
  }

  @RpcOperation(BillingRpc.invoicePdf)
  pdf(@Payload() dto: BillingIdParam) {
    return this.invoices.pdf(dto.id);
  }

  @RpcOperation(BillingRpc.cancelInvoice)
  cancel(@Payload() dto: CancelInvoiceRequest) {
    return this.invoices.cancel(dto);
  }

  @RpcOperation(BillingRpc.creditNote)
  creditNote(@Payload() dto: CreditNoteRequest) {
    return this.invoices.creditNote(dto);
  }

  @RpcOperation(BillingRpc.markPastDue)
  markPastDue(@Payload() dto: MarkPastDueRequest) {
    return this.invoices.markPastDue(dto.asOf);
  }

  @RpcOperation(BillingRpc.listReviewQueue)
  reviewQueue(@Payload() dto: ListBillReviewQueueQuery) {
    return this.invoices.reviewQueue(dto);
  }

  @RpcOperation(BillingRpc.approveReview)
  approve(@Payload() dto: ReviewDecisionRequest) {
    return this.invoices.approve(dto.id, dto.note);
  }

  @RpcOperation(BillingRpc.rejectReview)
  reject(@Payload() dto: ReviewDecisionRequest) {
    return this.invoices.reject(dto.id, dto.note);
  }
}
