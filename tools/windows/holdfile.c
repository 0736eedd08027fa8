/* holdfile PATH SECONDS [lock]: open PATH without delete sharing (as an editor or a
 * virus scanner might) and keep it open SECONDS; with "lock", also take an exclusive
 * LockFileEx lock on it (as a second Entitle would on .entitle.lock). Prints "held"
 * once it holds the file. Used by .ci/windows.sh under Wine. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: holdfile PATH SECONDS [lock]\n");
        return 2;
    }
    int lock = argc > 3 && strcmp(argv[3], "lock") == 0;
    HANDLE h = CreateFileA(argv[1], GENERIC_READ | GENERIC_WRITE,
                           FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                           lock ? OPEN_ALWAYS : OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        fprintf(stderr, "cannot open %s: error %lu\n", argv[1], GetLastError());
        return 1;
    }
    if (lock) {
        OVERLAPPED ov = {0};
        if (!LockFileEx(h, LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, MAXDWORD,
                        MAXDWORD, &ov)) {
            fprintf(stderr, "cannot lock %s: error %lu\n", argv[1], GetLastError());
            return 1;
        }
    }
    printf("held\n");
    fflush(stdout);
    Sleep((DWORD)(atof(argv[2]) * 1000));
    CloseHandle(h);
    return 0;
}
