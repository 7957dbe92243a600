#include "common/hash.h"

#include <string.h>

uint64_t hash_fnv1a64(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

int64_t hash_text_key(const char *s)
{
	uint64_t h = hash_fnv1a64(s);
	int64_t v;

	memcpy(&v, &h, sizeof(v)); /* no implementation-defined conversion */
	return v;
}
