/**
 * The mailbox poller: reads the support mailbox over IMAP and hands every raw message to an
 * {@link dev.casey.mailgateway.imap.InboundSink}. A message leaves the inbox only after the sink
 * answered for it: into the processed folder once its command is committed, into the quarantine
 * folder when it can never be handled; on a temporary failure it stays where it is.
 */
package dev.casey.mailgateway.imap;
