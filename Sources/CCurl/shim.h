// libcurl for Swift: curl_easy_setopt is variadic, which Swift cannot call; these typed
// wrappers can be. Nothing else lives here.
#ifndef PANTAU_CCURL_SHIM_H
#define PANTAU_CCURL_SHIM_H
#include <curl/curl.h>

static inline CURLcode pantau_curl_set_long(CURL *c, CURLoption o, long v) { return curl_easy_setopt(c, o, v); }
static inline CURLcode pantau_curl_set_string(CURL *c, CURLoption o, const char *v) { return curl_easy_setopt(c, o, v); }
static inline CURLcode pantau_curl_set_pointer(CURL *c, CURLoption o, void *v) { return curl_easy_setopt(c, o, v); }
static inline CURLcode pantau_curl_set_list(CURL *c, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(c, o, v); }
typedef size_t (*pantau_curl_read_cb)(char *buffer, size_t size, size_t nitems, void *userdata);
static inline CURLcode pantau_curl_set_read(CURL *c, pantau_curl_read_cb f) { return curl_easy_setopt(c, CURLOPT_READFUNCTION, f); }
typedef size_t (*pantau_curl_write_cb)(char *data, size_t size, size_t nmemb, void *userdata);
static inline CURLcode pantau_curl_set_write(CURL *c, pantau_curl_write_cb f) { return curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, f); }
static inline CURLcode pantau_curl_set_size(CURL *c, CURLoption o, curl_off_t v) { return curl_easy_setopt(c, o, v); }
/// Seconds a 429/503 answer's Retry-After asks for (-1: none).
static inline long pantau_curl_retry_after(CURL *c) { curl_off_t s = -1; if (curl_easy_getinfo(c, CURLINFO_RETRY_AFTER, &s) != CURLE_OK || s <= 0) return -1; return (long)s; }
static inline long pantau_curl_response_code(CURL *c) { long code = 0; curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code); return code; }

static const long PANTAU_CURLUSESSL_NONE = CURLUSESSL_NONE;
static const long PANTAU_CURLUSESSL_TRY = CURLUSESSL_TRY;
static const long PANTAU_CURLUSESSL_ALL = CURLUSESSL_ALL;
#endif
