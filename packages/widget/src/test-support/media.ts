/**
 * A short real video, recorded in the browser from a changing canvas with MediaRecorder, as a
 * `blob:` URL a `<video>` plays: component tests see real `playing` events without a server.
 */
export async function recordClip(durationMs = 800): Promise<string> {
  const canvas = Object.assign(document.createElement('canvas'), { width: 160, height: 90 });
  const context = canvas.getContext('2d')!;
  const recorder = new MediaRecorder(canvas.captureStream(30), { mimeType: 'video/webm' });
  const chunks: Blob[] = [];
  recorder.addEventListener('dataavailable', (event) => chunks.push(event.data));
  const stopped = new Promise((resolve) => recorder.addEventListener('stop', resolve));
  let frame = 0;
  const draw = () => {
    context.fillStyle = `hsl(${(frame++ * 12) % 360} 70% 50%)`;
    context.fillRect(0, 0, canvas.width, canvas.height);
  };
  draw();
  recorder.start();
  const painter = setInterval(draw, 33);
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  recorder.stop();
  clearInterval(painter);
  await stopped;
  return URL.createObjectURL(new Blob(chunks, { type: 'video/webm' }));
}

/** A `blob:` source that never delivers a byte: the video waits forever, without an error. */
export function silentSource(): string {
  return URL.createObjectURL(new MediaSource());
}
