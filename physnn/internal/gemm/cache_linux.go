//go:build linux

package gemm

import (
	"os"
	"strconv"
	"strings"
)

// l2CacheBytes is the size of cpu0's unified level-2 cache as Linux reports
// it in sysfs, or defaultL2 where that cannot be read.
func l2CacheBytes() int {
	for i := range 8 {
		dir := "/sys/devices/system/cpu/cpu0/cache/index" + strconv.Itoa(i) + "/"
		level, err := os.ReadFile(dir + "level")
		if err != nil {
			break
		}
		if strings.TrimSpace(string(level)) != "2" {
			continue
		}
		if size := parseCacheSize(dir + "size"); size > 0 {
			return size
		}
	}
	return defaultL2
}

// parseCacheSize reads a sysfs cache size such as "2048K"; it returns 0 on
// any error.
func parseCacheSize(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	s := strings.TrimSpace(string(b))
	mult := 1
	switch {
	case strings.HasSuffix(s, "K"):
		mult, s = 1<<10, strings.TrimSuffix(s, "K")
	case strings.HasSuffix(s, "M"):
		mult, s = 1<<20, strings.TrimSuffix(s, "M")
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return 0
	}
	return n * mult
}
