/** Events to outbound mail, inbound mail to commands. */
package dev.casey.mailgateway;
