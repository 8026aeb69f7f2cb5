FROM alpine
RUN echo line 1
RUN echo line 2
RUN echo line 3
RUN echo line 4
RUN echo line 5
RUN echo line 6
RUN echo line 7
RUN echo line 8
RUN echo line 9
RUN echo line 10
RUN echo line 11
RUN echo line 12
COPY a /b
