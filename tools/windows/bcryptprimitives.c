/* Test-only shim for running entitle.exe under Debian 12's Wine 8, which lacks
 * ProcessPrng (Rust's standard library takes its random seeds from it on Windows 10+).
 * Built with x86_64-w64-mingw32-gcc and put beside the .exe only in CI
 * (.ci/windows.sh); real Windows has the real bcryptprimitives.dll. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length); /* RtlGenRandom */

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
