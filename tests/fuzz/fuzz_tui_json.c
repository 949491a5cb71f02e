/*
 * tests/fuzz/fuzz_tui_json.c: the TUI's reader of control-socket lines on
 * any bytes. Whatever the line, a value copied out stays inside its buffer,
 * is terminated, and its returned length is the terminated length.
 *
 * The fuzz link has only rsp/ objects, so the file under test is included.
 */
#include "tui/json.c"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[] = {
		"cmd", "event", "text", "hex", "g", "state", "rx_bytes", "ok",
		"",
	};
	char		*line, small[8], big[512];
	uint64_t	 v;
	bool		 b;
	size_t		 i;
	int		 n;

	if (size > 65536)
		return 0;
	line = malloc(size + 1);
	if (line == NULL)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		n = tui_json_str(line, keys[i], small, sizeof small);
		if (n >= 0 && ((size_t)n >= sizeof small ||
		    strlen(small) > (size_t)n))
			abort();
		n = tui_json_str(line, keys[i], big, sizeof big);
		if (n >= 0 && (size_t)n >= sizeof big)
			abort();
		(void)tui_json_u64(line, keys[i], &v);
		(void)tui_json_bool(line, keys[i], &b);
	}
	free(line);
	return 0;
}
