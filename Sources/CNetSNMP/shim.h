// net-snmp for Swift: system headers first (fd_set), then net-snmp, then the few
// helpers Swift cannot express (macros built from expressions, FD_SET, pdu field macros).
#ifndef PANTAU_CNETSNMP_SHIM_H
#define PANTAU_CNETSNMP_SHIM_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/time.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <poll.h>
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

static const int pantau_MSG_GET = SNMP_MSG_GET;
static const int pantau_MSG_GETNEXT = SNMP_MSG_GETNEXT;
static const int pantau_MSG_GETBULK = SNMP_MSG_GETBULK;
static const int pantau_MSG_RESPONSE = SNMP_MSG_RESPONSE;
static const int pantau_MSG_TRAP = SNMP_MSG_TRAP;
static const int pantau_MSG_TRAP2 = SNMP_MSG_TRAP2;
static const int pantau_MSG_INFORM = SNMP_MSG_INFORM;
static const int pantau_MSG_REPORT = SNMP_MSG_REPORT;
static const int pantau_ERR_TIMEOUT = SNMPERR_TIMEOUT;
static const int pantau_ERR_AUTHENTICATION_FAILURE = SNMPERR_AUTHENTICATION_FAILURE;
static const int pantau_ERR_NOT_IN_TIME_WINDOW = SNMPERR_NOT_IN_TIME_WINDOW;
static const int pantau_NOSUCHOBJECT = SNMP_NOSUCHOBJECT;
static const int pantau_NOSUCHINSTANCE = SNMP_NOSUCHINSTANCE;
static const int pantau_ENDOFMIBVIEW = SNMP_ENDOFMIBVIEW;
static const int pantau_VERSION_1 = SNMP_VERSION_1;
static const int pantau_VERSION_2c = SNMP_VERSION_2c;
static const int pantau_VERSION_3 = SNMP_VERSION_3;
static const int pantau_SEC_LEVEL_AUTHPRIV = SNMP_SEC_LEVEL_AUTHPRIV;
static const int pantau_SEC_LEVEL_AUTHNOPRIV = SNMP_SEC_LEVEL_AUTHNOPRIV;
static const int pantau_SEC_LEVEL_NOAUTH = SNMP_SEC_LEVEL_NOAUTH;
static const int pantau_OP_RECEIVED = NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE;
static const int pantau_OP_TIMED_OUT = NETSNMP_CALLBACK_OP_TIMED_OUT;
static const int pantau_OP_SEND_FAILED = NETSNMP_CALLBACK_OP_SEND_FAILED;
static const int pantau_OP_CONNECT = NETSNMP_CALLBACK_OP_CONNECT;
static const int pantau_OP_DISCONNECT = NETSNMP_CALLBACK_OP_DISCONNECT;
static const int pantau_OP_RESEND = NETSNMP_CALLBACK_OP_RESEND;
static const int pantau_OP_SEC_ERROR = NETSNMP_CALLBACK_OP_SEC_ERROR;
static const int pantau_ASN_INTEGER = ASN_INTEGER;
static const int pantau_ASN_OCTET_STR = ASN_OCTET_STR;
static const int pantau_ASN_OBJECT_ID = ASN_OBJECT_ID;
static const int pantau_ASN_NULL = ASN_NULL;
static const int pantau_ASN_IPADDRESS = ASN_IPADDRESS;
static const int pantau_ASN_COUNTER = ASN_COUNTER;
static const int pantau_ASN_GAUGE = ASN_GAUGE;
static const int pantau_ASN_TIMETICKS = ASN_TIMETICKS;
static const int pantau_ASN_OPAQUE = ASN_OPAQUE;
static const int pantau_ASN_COUNTER64 = ASN_COUNTER64;

/// GETBULK's non-repeaters and max-repetitions share storage with errstat/errindex.
static inline void pantau_pdu_set_bulk(netsnmp_pdu *pdu, long nonRepeaters, long maxRepetitions) {
    pdu->non_repeaters = nonRepeaters;
    pdu->max_repetitions = maxRepetitions;
}

/// The file descriptors a single-session handle wants to read, for poll(2).
/// Returns the number written to `fds` (at most `cap`).
static inline int pantau_sess_fds(void *handle, struct pollfd *fds, int cap) {
    // A single-session handle reads one socket: its transport's. No fd_set (which holds only
    // descriptors below FD_SETSIZE = 1024: a session past that was never read, and FD_SET on it
    // wrote past the set on the stack).
    netsnmp_transport *t = snmp_sess_transport(handle);
    if (t == NULL || t->sock < 0 || cap < 1) return 0;
    fds[0].fd = t->sock; fds[0].events = POLLIN; fds[0].revents = 0;
    return 1;
}

/// Reads what is waiting on one fd of a single-session handle (a large fd set: any descriptor).
static inline int pantau_sess_read_fd(void *handle, int fd) {
    netsnmp_large_fd_set set;
    netsnmp_large_fd_set_init(&set, fd + 1 > FD_SETSIZE ? fd + 1 : FD_SETSIZE);
    netsnmp_large_fd_setfd(fd, &set);
    int rc = snmp_sess_read2(handle, &set);
    netsnmp_large_fd_set_cleanup(&set);
    return rc;
}

static inline const oid *pantau_usmHMACSHA1AuthProtocol(void) { return usmHMACSHA1AuthProtocol; }
static inline size_t pantau_usmHMACSHA1AuthProtocolLen(void) { return USM_AUTH_PROTO_SHA_LEN; }
static inline const oid *pantau_usmHMAC192SHA256AuthProtocol(void) { return usmHMAC192SHA256AuthProtocol; }
static inline size_t pantau_usmHMAC192SHA256AuthProtocolLen(void) { return OID_LENGTH(usmHMAC192SHA256AuthProtocol); }
static inline const oid *pantau_usmAESPrivProtocol(void) { return usmAESPrivProtocol; }
static inline size_t pantau_usmAESPrivProtocolLen(void) { return USM_PRIV_PROTO_AES_LEN; }
static inline const oid *pantau_usmNoAuthProtocol(void) { return usmNoAuthProtocol; }
static inline size_t pantau_usmNoAuthProtocolLen(void) { return OID_LENGTH(usmNoAuthProtocol); }
static inline const oid *pantau_usmNoPrivProtocol(void) { return usmNoPrivProtocol; }
static inline size_t pantau_usmNoPrivProtocolLen(void) { return OID_LENGTH(usmNoPrivProtocol); }

/// The session's last library error number (SNMPERR_*).
static inline int pantau_sess_errno(void *handle) {
    netsnmp_session *s = snmp_sess_session(handle);
    return s ? s->s_snmp_errno : 0;
}

/// The session's error text (caller frees).
static inline char *pantau_sess_error(void *handle) {
    int clib = 0, snmperr = 0; char *msg = NULL;
    snmp_sess_error(handle, &clib, &snmperr, &msg);
    return msg;
}
/// The IPv4 source address of a received PDU (network byte order), or 0 when unknown.
static inline uint32_t pantau_pdu_source_ipv4(netsnmp_pdu *pdu) {
    if (pdu == NULL || pdu->transport_data == NULL) return 0;
    if (pdu->transport_data_length < (int)sizeof(struct sockaddr_in)) return 0;
    netsnmp_indexed_addr_pair *pair = (netsnmp_indexed_addr_pair *)pdu->transport_data;
    if (pair->remote_addr.sa.sa_family != AF_INET) return 0;
    return pair->remote_addr.sin.sin_addr.s_addr;
}

/// One-time library setup: numeric OIDs only, no persistent state, no config files, quiet.
static inline void pantau_snmp_init(const char *persistentDir) {
    setenv("MIBS", "", 1);
    setenv("SNMP_PERSISTENT_DIR", persistentDir, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
    // A "none" handler, not snmp_disable_log(): with no handler at all net-snmp falls back to
    // stderr ("Created directory: …/cert_indexes"). Pantau reports failures from session errors.
    netsnmp_register_loghandler(NETSNMP_LOGHANDLER_NONE, LOG_DEBUG);
    init_snmp("pantau");
}
#endif
