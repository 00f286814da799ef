/**
 * Outbound mail: composes the exact, deterministic RFC 5322 bytes of every mail Casey sends.
 *
 * <p>The composer never learns the address of the person whose message it relays, only their name:
 * the only addresses that can appear in a composed mail are the support address (and its
 * plus-addresses), the recipient's own address and our Message-IDs.
 */
package dev.casey.mailgateway.outbound;
