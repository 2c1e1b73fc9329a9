/* heapsnap.h - the subcommands of heapsnap, one file each. */
#ifndef V8A_HEAPSNAP_H
#define V8A_HEAPSNAP_H

int cmd_import(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_sql(int argc, char **argv);

#endif
